/** `actionbridge check --dialogflow-mapping`: every intent and tag in the mapping file reaches a registered action. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type Io } from '../../../src/main/cli/main';
import { ROOT } from '../../support/process';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s) };
  const code = await main(argv, io, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const SHIPPED = ['--domain', path.join(ROOT, 'rasa-project/domain.yml'), '--actions', path.join(ROOT, 'actions')];

describe('actionbridge check --dialogflow-mapping', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-df-check-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const mappingFile = (name: string, body: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
    return file;
  };

  it('the shipped mapping routes every intent and tag to a shipped action (the documented Order Status among them)', async () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'dialogflow.mapping.json'), 'utf8')) as { es: { intents: Record<string, string> }; cx: { tags: Record<string, string> } };
    expect(shipped.es.intents['Order Status']).toBe('action_fetch_order');
    expect(shipped.cx.tags.order_status).toBe('action_fetch_order');
    const r = await run(['check', ...SHIPPED, '--dialogflow-mapping', path.join(ROOT, 'dialogflow.mapping.json')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('names every intent and tag that points at no registered action and exits 1', async () => {
    const file = mappingFile('broken.json', {
      es: { intents: { 'Order Status': 'action_order_status', 'Default Welcome Intent': 'action_greet' } },
      cx: { tags: { order_status: 'action_order_status', refund: 'action_refund' } },
    });
    const r = await run(['check', ...SHIPPED, '--dialogflow-mapping', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("ES intent 'Order Status' is mapped to 'action_order_status', which is not a registered action");
    expect(r.err).toContain("CX tag 'order_status' is mapped to 'action_order_status'");
    expect(r.err).toContain("CX tag 'refund' is mapped to 'action_refund'");
    expect(r.err).not.toContain('Default Welcome Intent');
    expect(r.err).toMatch(/check failed: 3 problem/);
  });

  it('a mapping file that is missing or invalid fails the check, naming the file', async () => {
    const missing = await run(['check', ...SHIPPED, '--dialogflow-mapping', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.json: file not found/);
    const invalid = await run(['check', ...SHIPPED, '--dialogflow-mapping', mappingFile('invalid.json', { es: { intents: { x: 'action_greet' }, colour: 1 } })]);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/invalid\.json: es/);
  });

  it('without the flag the mapping is not read (the domain check alone)', async () => {
    const r = await run(['check', ...SHIPPED]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/check passed/);
  });
});
