/**
 * Flows are checked on load: an unknown step, a missing field or a stray placeholder is an error
 * naming the flow and the step, and the robot's settings collect every broken flow at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadFlows, readBrowserRobotConfig, type BrowserRobotConfig } from '../../../src/connectors/browser-robot/config';
import { loadConnectorsConfig } from '../../../src/connectors/config';
import { FlowError, parseFlow } from '../../../src/connectors/browser-robot/flow';
import { EnvReader } from '../../../src/config/env';
import { problemsOf } from '../../support/config-problems';

const SHIPPED = path.resolve(__dirname, '../../../rpa/flows');

function flow(steps: string, head = 'name: leave.request'): string {
  return `${head}\nsteps:\n${steps}\n  - extract: { name: confirmation, selector: "#n" }\n`;
}

function errorOf(text: string, source = 'leave.yml'): string {
  try {
    parseFlow(source, text);
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return (err as Error).message;
  }
  throw new Error('the flow was accepted');
}

describe('browser flows are validated on load', () => {
  it('the shipped leave.request flow loads, with the secrets and inputs it uses', () => {
    const problems: string[] = [];
    const [leave] = loadFlows(SHIPPED, problems);
    expect(problems).toEqual([]);
    expect(leave!.name).toBe('leave.request');
    expect(leave!.secrets).toEqual(['HR_PORTAL_PASSWORD', 'HR_PORTAL_USER']);
    expect(leave!.inputs).toEqual(['employee', 'end', 'reason', 'start', 'type']);
    expect(leave!.findExisting.length).toBeGreaterThan(0);
  });

  it('an unknown step names the flow, the step and the known ones', () => {
    const msg = errorOf(flow('  - goto: /a\n  - hover: "#menu"'));
    expect(msg).toBe('RPA flow leave.request: step steps[2]: unknown step \'hover\' (known: goto, fill, select, click, waitFor, extract, assert, screenshot)');
  });

  it('a missing field names the flow, the step and the field', () => {
    expect(errorOf(flow('  - fill: { selector: "#user" }'))).toMatch(/^RPA flow leave\.request: step steps\[1\] \(fill\): fill\.value: /);
    expect(errorOf(flow('  - extract: { selector: "#x" }'))).toMatch(/^RPA flow leave\.request: step steps\[1\] \(extract\): extract\.name: /);
  });

  it('a step with two actions, an unknown option or a wrong timeout is refused', () => {
    expect(errorOf(flow('  - { goto: /a, click: "#b" }'))).toContain('step steps[1] must have exactly one of');
    expect(errorOf(flow('  - click: { selector: "#b", force: true }'))).toContain('step steps[1] (click)');
    expect(errorOf(flow('  - click: "#b"\n    timeoutMs: -5'))).toContain('timeoutMs');
  });

  it('placeholders are checked, and a secret may only be a filled value', () => {
    expect(errorOf(flow('  - fill: { selector: "#a", value: "${env.HOME}" }'))).toContain('unknown placeholder ${env.HOME}');
    expect(errorOf(flow('  - goto: /login?u=${secret:HR_PORTAL_USER}'))).toContain('may only be a fill step');
  });

  it('a flow must extract the confirmation, and have a valid name', () => {
    expect(errorOf('name: leave.request\nsteps:\n  - goto: /a\n')).toContain('must extract `confirmation`');
    expect(errorOf(flow('  - goto: /a', 'name: Leave Request'))).toMatch(/^RPA flow leave\.yml: name: /);
    expect(errorOf('name: [unclosed')).toMatch(/^RPA flow leave\.yml: not valid YAML/);
  });

  it('the robot settings report every broken flow and missing secret at start-up', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.yml'), flow('  - hover: "#x"', 'name: a.task'));
      fs.writeFileSync(path.join(dir, 'b.yml'), flow('  - fill: { selector: "#p", value: "${secret:B_PASSWORD}" }', 'name: b.task'));
      const env = new EnvReader({ RPA_FLOWS_DIR: dir, RPA_BROWSER_PATH: process.execPath, RPA_BASE_URL: 'http://127.0.0.1:9' });
      readBrowserRobotConfig(env);
      expect(env.problems).toEqual([
        expect.stringContaining("RPA flow a.task: step steps[1]: unknown step 'hover'"),
        expect.stringMatching(/^B_PASSWORD is required when RPA_PROVIDER=browser \(RPA flow b\.task uses/),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RPA_PROVIDER', () => {
  const base = { RPA_FLOWS_DIR: SHIPPED, RPA_BROWSER_PATH: process.execPath, RPA_BASE_URL: 'http://127.0.0.1:9', HR_PORTAL_USER: 'robot', HR_PORTAL_PASSWORD: 'pw' };

  it('unset or none: no robot; browser: the robot with its flows read', () => {
    expect(loadConnectorsConfig({}).rpa).toBeUndefined();
    expect(loadConnectorsConfig({ RPA_PROVIDER: 'none' }).rpa).toBeUndefined();
    const chosen = loadConnectorsConfig({ ...base, RPA_PROVIDER: 'Browser' }).rpa;
    expect(chosen?.provider).toBe('browser');
    expect((chosen as { settings: BrowserRobotConfig }).settings.flows.map((f) => f.name)).toEqual(['leave.request']);
  });

  it('an unknown robot, local (there is none), or a missing secret stops start-up naming the variable', () => {
    expect(problemsOf({ RPA_PROVIDER: 'selenium' })).toEqual([expect.stringMatching(/^RPA_PROVIDER: 'selenium' is not one of none, browser/)]);
    expect(problemsOf({ RPA_PROVIDER: 'local' })).toEqual([expect.stringMatching(/^RPA_PROVIDER: 'local' is not one of none, browser.*\(there is no local rpa adapter\)$/)]);
    const { HR_PORTAL_PASSWORD: _, ...noPassword } = base;
    expect(problemsOf({ ...noPassword, RPA_PROVIDER: 'browser' })).toEqual([expect.stringMatching(/^HR_PORTAL_PASSWORD is required when RPA_PROVIDER=browser/)]);
  });
});
