/**
 * The built-in browser robot: an `RpaSystem` that runs a task's flow on the system Chromium
 * through playwright-core. Every run goes through the gateway (its retries, deadline, breaker),
 * and every attempt runs the whole flow: log in, look for what an earlier attempt filed under
 * this reference, and only then file it. That check is what makes a retry safe after a failure
 * half-way through (the legacy server may have filed it and then failed to say so).
 */
import { AppError } from '../../errors';
import type { Logger } from '../../observability/logger';
import type { RpaRun, RpaRunStatus, RpaSubmitOptions, RpaSystem, RpaTask } from '../../ports/rpa';
import { ConnectorError } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import type { ArtifactSink } from './artifacts';
import type { BrowserRobotConfig } from './config';
import type { Flow } from './flow';
import { ContextPool } from './pool';
import { FlowRunner, StepFailure, type FlowRun } from './runner';

export const BROWSER_ROBOT = 'browser';

export interface BrowserRobotOptions {
  /** Where screenshots and page texts of failed steps are kept; without one they are only described. */
  artifacts?: ArtifactSink;
  logger?: Logger;
}

export class BrowserRobot implements RpaSystem {
  readonly provider = BROWSER_ROBOT;
  private readonly flows: Map<string, Flow>;
  private readonly pool: ContextPool;

  constructor(
    private readonly config: BrowserRobotConfig,
    private readonly gateway: Gateway,
    private readonly opts: BrowserRobotOptions = {},
  ) {
    this.flows = new Map(config.flows.map((f) => [f.name, f]));
    this.pool = new ContextPool({ executablePath: config.executablePath, max: config.maxContexts, headless: config.headless });
    gateway.register(BROWSER_ROBOT, (err) => (err instanceof ConnectorError ? err : undefined), { maxConcurrent: config.maxContexts });
  }

  tasks(): readonly string[] {
    return [...this.flows.keys()];
  }

  async submit(task: RpaTask, opts: RpaSubmitOptions): Promise<RpaRun> {
    const flow = this.flowOf(task.name);
    const missing = flow.inputs.filter((name) => task.input[name] === undefined);
    if (missing.length > 0) throw new AppError('validation', `RPA task ${task.name} needs the inputs ${missing.join(', ')}.`);
    return this.gateway.call(BROWSER_ROBOT, `flow ${flow.name}`, (signal) => this.attempt(flow, task.input, opts.reference, 'submit', both(signal, opts.signal)), {
      // Safe to repeat: each attempt looks for an earlier attempt's request before filing one.
      idempotent: true,
      signal: opts.signal,
    }) as Promise<RpaRun>;
  }

  async findByReference(taskName: string, reference: string, opts: { signal?: AbortSignal } = {}): Promise<RpaRun | null> {
    const flow = this.flowOf(taskName);
    if (flow.findExisting.length === 0) return null;
    return this.gateway.call(BROWSER_ROBOT, `find ${flow.name}`, (signal) => this.attempt(flow, {}, reference, 'find', both(signal, opts.signal)), { idempotent: true, signal: opts.signal });
  }

  /** Browser runs finish within `submit`: there is never a run to ask about later. */
  async status(runId: string): Promise<RpaRunStatus> {
    throw new AppError('not_found', `The browser robot keeps no runs to ask about (${runId.slice(0, 40)}).`);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private flowOf(name: string): Flow {
    const flow = this.flows.get(name);
    if (!flow) throw new AppError('unsupported', `No RPA flow ${name.slice(0, 60)} is configured (flows: ${[...this.flows.keys()].join(', ') || 'none'}).`);
    return flow;
  }

  private attempt(flow: Flow, input: Record<string, string>, reference: string, mode: 'submit', signal: AbortSignal): Promise<RpaRun>;
  private attempt(flow: Flow, input: Record<string, string>, reference: string, mode: 'find', signal: AbortSignal): Promise<RpaRun | null>;
  private async attempt(flow: Flow, input: Record<string, string>, reference: string, mode: 'submit' | 'find', signal: AbortSignal): Promise<RpaRun | null> {
    return this.pool.use(async (context) => {
      const runner = await FlowRunner.open(context, flow, { input, reference, secrets: this.config.secrets }, flow.baseUrl ?? this.config.baseUrl, signal);
      try {
        await runner.run('session');
        if (flow.findExisting.length > 0) {
          const found = await runner.run('findExisting');
          if (found.vars.confirmation) return done(found, true);
        }
        if (mode === 'find') return null;
        const filed = await runner.run('steps');
        await this.keepShots(flow, reference, filed);
        return done(filed, false);
      } catch (err) {
        if (err instanceof StepFailure) throw await this.failed(err, reference);
        throw err;
      }
    }, signal);
  }

  private async failed(failure: StepFailure, reference: string): Promise<ConnectorError> {
    const ids: string[] = [];
    if (this.opts.artifacts) {
      const base = { reference, task: failure.flow, step: `${failure.where} (${failure.kind})` };
      try {
        if (failure.evidence.screenshot) ids.push(await this.opts.artifacts.save({ ...base, kind: 'failure_screenshot', contentType: 'image/png', content: failure.evidence.screenshot }));
        ids.push(await this.opts.artifacts.save({ ...base, kind: 'failure_text', contentType: 'text/plain', content: Buffer.from(failure.evidence.text, 'utf8') }));
      } catch (err) {
        this.opts.logger?.warn('could not keep what the robot saw', { reference, error: (err as Error).message });
      }
    }
    const kept = ids.length > 0 ? ` Screenshot and page text: artifacts ${ids.join(', ')} (actionbridge jobs show ${reference}).` : '';
    return new ConnectorError(failure.transient ? (failure.status === 429 ? 'rate_limited' : 'upstream_unavailable') : 'unsupported', `${failure.message}.${kept}`, {
      connector: BROWSER_ROBOT,
      operation: `flow ${failure.flow}`,
      ...(failure.status !== null ? { status: failure.status } : {}),
      vendorCode: failure.transient ? 'legacy_server_failed' : 'flow_mismatch',
      // Each attempt checks for an earlier one's request first, so a repeat cannot file twice.
      retry: failure.transient ? 'if_idempotent' : 'never',
    });
  }

  private async keepShots(flow: Flow, reference: string, run: FlowRun): Promise<void> {
    if (!this.opts.artifacts) return;
    for (const shot of run.shots) {
      await this.opts.artifacts.save({ reference, task: flow.name, step: `${shot.where} (${shot.name})`, kind: 'screenshot', contentType: 'image/png', content: shot.image }).catch(() => undefined);
    }
  }
}

function done(run: FlowRun, existing: boolean): RpaRun {
  const { confirmation, ...output } = run.vars;
  return { state: 'done', confirmation: confirmation!, output: { ...output, existing: String(existing) } };
}

function both(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b ? AbortSignal.any([a, b]) : a;
}
