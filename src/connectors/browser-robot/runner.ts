/**
 * Runs a flow's steps on one page. Each step waits at most its own timeout; a failing step is
 * reported with the flow, the step and what the page showed (a screenshot and its text, secrets
 * blanked out first), and classified: a server error page or an unreachable server is worth
 * trying again, a missing element or a failed assert means the flow no longer matches the
 * screens, which no retry fixes.
 */
import type { BrowserContext, Page, Response } from 'playwright-core';
import type { Flow, Step } from './flow';

export interface RunValues {
  input: Record<string, string>;
  reference: string;
  secrets: Record<string, string>;
}

export type StepList = 'session' | 'findExisting' | 'steps';

/** What the page showed when a step failed, secrets already removed. */
export interface FailureEvidence {
  screenshot: Buffer | null;
  text: string;
}

/** A step that failed. `transient`: the legacy server failed (5xx, unreachable), not the flow. */
export class StepFailure extends Error {
  constructor(
    readonly flow: string,
    readonly where: string,
    readonly kind: string,
    readonly transient: boolean,
    readonly status: number | null,
    message: string,
    readonly evidence: FailureEvidence,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export interface StepShot {
  where: string;
  name: string;
  image: Buffer;
}

export interface FlowRun {
  vars: Record<string, string>;
  /** Screenshots the flow asked for (`screenshot` steps). */
  shots: StepShot[];
}

const MAX_TEXT = 64 * 1024;

export class FlowRunner {
  private readonly vars: Record<string, string> = {};
  private readonly shots: StepShot[] = [];
  /** The status of the main frame's latest document (a 500 page after a submit, say). */
  private lastStatus: number | null = null;

  constructor(
    private readonly flow: Flow,
    private readonly page: Page,
    private readonly values: RunValues,
    private readonly baseUrl: string | undefined,
    private readonly signal?: AbortSignal,
  ) {
    page.on('response', (r: Response) => {
      if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) this.lastStatus = r.status();
    });
  }

  static async open(context: BrowserContext, flow: Flow, values: RunValues, baseUrl: string | undefined, signal?: AbortSignal): Promise<FlowRunner> {
    return new FlowRunner(flow, await context.newPage(), values, baseUrl, signal);
  }

  async run(list: StepList): Promise<FlowRun> {
    const steps = this.flow[list];
    for (let i = 0; i < steps.length; i++) {
      this.signal?.throwIfAborted();
      const step = steps[i]!;
      const where = `${list}[${i + 1}]`;
      try {
        await this.step(step, where);
      } catch (err) {
        if (this.signal?.aborted) throw err;
        throw await this.failure(step, where, err);
      }
    }
    return { vars: { ...this.vars }, shots: [...this.shots] };
  }

  private async step(step: Step, where: string): Promise<void> {
    const timeout = ('timeoutMs' in step ? step.timeoutMs : undefined) ?? this.flow.stepTimeoutMs;
    const page = this.page;
    if ('goto' in step) {
      const response = await page.goto(this.url(step.goto), { timeout, waitUntil: 'domcontentloaded' });
      if (response && response.status() >= 400) throw new Error(`the server answered ${response.status()}`);
    } else if ('fill' in step) {
      await page.locator(this.expand(step.fill.selector)).fill(this.expand(step.fill.value), { timeout });
    } else if ('select' in step) {
      await page.locator(this.expand(step.select.selector)).selectOption(this.expand(step.select.value), { timeout });
    } else if ('click' in step) {
      const selector = typeof step.click === 'string' ? step.click : step.click.selector;
      await page.locator(this.expand(selector)).click({ timeout });
    } else if ('waitFor' in step) {
      const w = step.waitFor;
      if (typeof w === 'string') await page.locator(this.expand(w)).first().waitFor({ timeout });
      else if ('url' in w) {
        const wanted = this.expand(w.url);
        await page.waitForURL((u) => u.href === wanted || u.pathname === wanted, { timeout, waitUntil: 'domcontentloaded' });
      } else await page.locator(this.expand(w.selector)).first().waitFor({ timeout, state: w.state ?? 'visible' });
    } else if ('extract' in step) {
      const e = step.extract;
      const locator = page.locator(this.expand(e.selector)).first();
      if (e.optional && (await locator.count()) === 0) return;
      const raw = e.attribute ? await locator.getAttribute(e.attribute, { timeout }) : await locator.innerText({ timeout });
      const text = (raw ?? '').trim();
      const value = e.pattern ? matchOf(text, e.pattern) : text;
      if (!value) throw new Error(`nothing to extract for ${e.name}${e.pattern ? ` (the text does not match ${e.pattern})` : ''}`);
      this.vars[e.name] = value;
    } else if ('assert' in step) {
      const a = step.assert;
      const locator = page.locator(this.expand(a.selector)).first();
      await locator.waitFor({ timeout, state: 'visible' });
      if (a.text !== undefined) {
        const wanted = this.expand(a.text);
        const shown = await locator.innerText({ timeout });
        if (!shown.includes(wanted)) throw new Error(a.message ?? `expected the text "${clip(wanted)}", found "${clip(shown)}"`);
      }
    } else {
      this.shots.push({ where, name: step.screenshot, image: await this.redactedScreenshot() });
    }
  }

  /** `${input.x}`, `${vars.x}`, `${reference}`, `${secret:X}` in a value or selector. */
  private expand(template: string, encode: (s: string) => string = (s) => s): string {
    return template.replace(/\$\{([^}]*)\}/g, (_, ref: string) => {
      if (ref === 'reference') return encode(this.values.reference);
      if (ref.startsWith('input.')) return encode(required(this.values.input[ref.slice(6)], `input ${ref.slice(6)}`));
      if (ref.startsWith('vars.')) return encode(required(this.vars[ref.slice(5)], `variable ${ref.slice(5)} (extract it first)`));
      return required(this.values.secrets[ref.slice(7)], `secret ${ref.slice(7)}`);
    });
  }

  /** A goto target: values put into it are URL-encoded, and a relative path stays on the base's origin. */
  private url(target: string): string {
    const expanded = this.expand(target, encodeURIComponent);
    if (/^https?:\/\//.test(target)) return expanded;
    if (!this.baseUrl) throw new Error(`no baseUrl for the relative path ${clip(target)}`);
    const base = new URL(this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const url = new URL(expanded.replace(/^\/+/, ''), base);
    if (url.origin !== base.origin) throw new Error(`${clip(target)} leads off ${base.origin}`);
    return url.href;
  }

  private async failure(step: Step, where: string, err: unknown): Promise<StepFailure> {
    const kind = Object.keys(step).find((k) => k !== 'timeoutMs')!;
    const cause = this.scrub(err instanceof Error ? err.message.split('\n')[0]! : String(err));
    const unreachable = /net::ERR_|ECONNREFUSED|ECONNRESET/.test(cause);
    const status = this.lastStatus;
    const serverFailed = unreachable || (status !== null && status >= 500) || status === 429;
    const evidence = await this.evidence();
    const why = unreachable ? 'the server could not be reached' : status !== null && status >= 400 ? `the server answered ${status}` : 'the page does not match the flow (has the screen changed?)';
    const message = `RPA flow ${this.flow.name}, step ${where} (${kind}${describeTarget(step)}): ${cause}; ${why}`;
    return new StepFailure(this.flow.name, where, kind, serverFailed, status, message, evidence);
  }

  /** The page as it is now, with every secret value taken out of its fields and text. */
  private async evidence(): Promise<FailureEvidence> {
    let screenshot: Buffer | null = null;
    let text = '';
    try {
      screenshot = await this.redactedScreenshot();
    } catch {
      // A closed or crashed page has no picture; its text may still come.
    }
    try {
      text = this.scrub(await this.page.locator('body').innerText({ timeout: 2_000 }));
    } catch {
      text = '';
    }
    const header = `URL: ${this.scrub(this.page.url())}\nStatus: ${this.lastStatus ?? 'none'}\n\n`;
    return { screenshot, text: (header + text).slice(0, MAX_TEXT) };
  }

  private async redactedScreenshot(): Promise<Buffer> {
    const secrets = Object.values(this.values.secrets).filter((s) => s.length > 0);
    if (secrets.length > 0) {
      // Blank any field holding a secret (a password field shows dots, a text field would not).
      await this.page.locator('input, textarea').evaluateAll((fields, values: string[]) => {
        for (const field of fields as unknown as { value: string }[]) if (values.some((v) => field.value.includes(v))) field.value = '';
      }, secrets);
    }
    return this.page.screenshot({ fullPage: true, timeout: 5_000 });
  }

  /** Text with every secret value replaced. */
  private scrub(text: string): string {
    let out = text;
    for (const s of Object.values(this.values.secrets)) if (s) out = out.split(s).join('[secret]');
    return out;
  }
}

function describeTarget(step: Step): string {
  if ('goto' in step) return ` ${clip(step.goto)}`;
  if ('click' in step) return ` '${clip(typeof step.click === 'string' ? step.click : step.click.selector)}'`;
  if ('fill' in step) return ` '${clip(step.fill.selector)}'`;
  if ('select' in step) return ` '${clip(step.select.selector)}'`;
  if ('extract' in step) return ` '${clip(step.extract.selector)}'`;
  if ('assert' in step) return ` '${clip(step.assert.selector)}'`;
  if ('waitFor' in step) return typeof step.waitFor === 'string' ? ` '${clip(step.waitFor)}'` : 'url' in step.waitFor ? ` ${clip(step.waitFor.url)}` : ` '${clip(step.waitFor.selector)}'`;
  return '';
}

function matchOf(text: string, pattern: string): string {
  const m = new RegExp(pattern).exec(text);
  return m ? (m[1] ?? m[0]) : '';
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`no ${what}`);
  return value;
}

function clip(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
