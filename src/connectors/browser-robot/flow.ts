/**
 * A browser flow: one legacy task as data (YAML), checked on load so a typo in a step is a
 * start-up error naming the flow and the step, not a dead job at three in the morning.
 *
 * A flow has three lists of steps: `session` (log in; run first every time), `findExisting`
 * (look on the legacy system's own list for what an earlier run filed under this reference, and
 * `extract` its confirmation when there), and `steps` (file it, ending with an `extract` of the
 * confirmation). Values may hold `${input.NAME}`, `${reference}`, `${vars.NAME}` (extracted
 * earlier) and `${secret:NAME}` (read through EnvReader, never logged or stored).
 */
import type { parse } from 'yaml';
import { z } from 'zod';
import { RPA_TASK_NAME } from '../../ports/rpa';

const selector = z.string().min(1, 'a CSS or Playwright selector');
const value = z.string();
const timeout = { timeoutMs: z.number().int().positive().max(600_000).optional() };

const STEP_SCHEMAS = {
  goto: z.strictObject({ goto: z.string().min(1, 'a path or URL'), ...timeout }),
  fill: z.strictObject({ fill: z.strictObject({ selector, value }), ...timeout }),
  select: z.strictObject({ select: z.strictObject({ selector, value }), ...timeout }),
  click: z.strictObject({ click: z.union([selector, z.strictObject({ selector })]), ...timeout }),
  waitFor: z.strictObject({
    waitFor: z.union([selector, z.strictObject({ selector, state: z.enum(['visible', 'attached', 'hidden', 'detached']).optional() }), z.strictObject({ url: z.string().min(1) })]),
    ...timeout,
  }),
  extract: z.strictObject({
    extract: z.strictObject({
      /** The variable it sets; `confirmation` is what the run answers with. */
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name'),
      selector,
      /** Read this attribute instead of the element's text. */
      attribute: z.string().min(1).optional(),
      /** Absent element: the variable stays unset instead of failing the step (findExisting). */
      optional: z.boolean().optional(),
      /** Keep only this regular expression's first group (or whole match). */
      pattern: z.string().min(1).optional(),
    }),
    ...timeout,
  }),
  assert: z.strictObject({
    assert: z.strictObject({ selector, text: z.string().optional(), message: z.string().max(300).optional() }),
    ...timeout,
  }),
  screenshot: z.strictObject({ screenshot: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/, 'a short name') }),
} as const;

export type StepKind = keyof typeof STEP_SCHEMAS;
export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];

export type Step = { [K in StepKind]: z.infer<(typeof STEP_SCHEMAS)[K]> }[StepKind];
export type StepOf<K extends StepKind> = z.infer<(typeof STEP_SCHEMAS)[K]>;

export interface Flow {
  name: string;
  description?: string;
  /** Where relative `goto` paths lead; `${env:…}` is not allowed, the robot's config gives it. */
  baseUrl?: string;
  /** Each step's timeout unless it says its own. */
  stepTimeoutMs: number;
  session: Step[];
  findExisting: Step[];
  steps: Step[];
  /** The secrets the flow names, so they are read (and required) at start-up. */
  secrets: string[];
  /** The inputs the flow uses; a run without one of them fails before any browser opens. */
  inputs: string[];
}

export class FlowError extends Error {
  constructor(
    readonly flow: string,
    message: string,
  ) {
    super(`RPA flow ${flow}: ${message}`);
    this.name = 'FlowError';
  }
}

const FlowFile = z.strictObject({
  name: z.string().regex(RPA_TASK_NAME, 'lower-case words joined by dots or dashes, e.g. leave.request'),
  description: z.string().optional(),
  baseUrl: z.string().url().optional(),
  stepTimeoutMs: z.number().int().positive().max(600_000).optional(),
  session: z.array(z.unknown()).optional(),
  findExisting: z.array(z.unknown()).optional(),
  steps: z.array(z.unknown()).min(1, 'a flow needs at least one step'),
});

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const KNOWN_PLACEHOLDER = /^(?:input\.[A-Za-z_][A-Za-z0-9_]*|vars\.[A-Za-z_][A-Za-z0-9_]*|secret:[A-Z][A-Z0-9_]*|reference)$/;

/** The YAML parser is loaded with the first flow: `serve` without RPA_PROVIDER=browser never reads one. */
function parseYaml(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as { parse: typeof parse }).parse(text);
}

/** Parses and checks one flow file; `source` names it in errors (its file name). */
export function parseFlow(source: string, text: string): Flow {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new FlowError(source, `not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const file = FlowFile.safeParse(raw);
  if (!file.success) throw new FlowError(source, describeIssues(file.error.issues));
  const name = file.data.name;
  const lists = { session: file.data.session ?? [], findExisting: file.data.findExisting ?? [], steps: file.data.steps };
  const parsed = {} as Record<keyof typeof lists, Step[]>;
  for (const [list, steps] of Object.entries(lists) as [keyof typeof lists, unknown[]][]) {
    parsed[list] = steps.map((s, i) => parseStep(name, `${list}[${i + 1}]`, s));
  }
  if (!parsed.steps.some((s) => 'extract' in s && s.extract.name === 'confirmation')) {
    throw new FlowError(name, 'its steps must extract `confirmation` (the number the legacy system gives the filed request)');
  }
  const secrets = new Set<string>();
  const inputs = new Set<string>();
  for (const step of [...parsed.session, ...parsed.findExisting, ...parsed.steps]) {
    for (const s of stringsOf(step)) {
      for (const [, ref] of s.matchAll(PLACEHOLDER)) {
        if (ref!.startsWith('secret:')) secrets.add(ref!.slice(7));
        if (ref!.startsWith('input.')) inputs.add(ref!.slice(6));
      }
    }
  }
  return {
    name,
    ...(file.data.description ? { description: file.data.description } : {}),
    ...(file.data.baseUrl ? { baseUrl: file.data.baseUrl } : {}),
    stepTimeoutMs: file.data.stepTimeoutMs ?? 10_000,
    ...parsed,
    secrets: [...secrets].sort(),
    inputs: [...inputs].sort(),
  };
}

function parseStep(flow: string, where: string, raw: unknown): Step {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FlowError(flow, `step ${where} is not a mapping such as {click: "#submit"}`);
  const kinds = Object.keys(raw).filter((k) => k !== 'timeoutMs');
  if (kinds.length !== 1) throw new FlowError(flow, `step ${where} must have exactly one of ${STEP_KINDS.join(', ')} (it has ${kinds.length === 0 ? 'none' : kinds.map((k) => k.slice(0, 40)).join(', ')})`);
  const kind = kinds[0]!;
  if (!(STEP_KINDS as string[]).includes(kind)) throw new FlowError(flow, `step ${where}: unknown step '${kind.slice(0, 40)}' (known: ${STEP_KINDS.join(', ')})`);
  const parsed = STEP_SCHEMAS[kind as StepKind].safeParse(raw);
  if (!parsed.success) throw new FlowError(flow, `step ${where} (${kind}): ${describeIssues(parsed.error.issues)}`);
  for (const s of stringsOf(parsed.data as Step)) {
    for (const [whole, ref] of s.matchAll(PLACEHOLDER)) {
      if (!KNOWN_PLACEHOLDER.test(ref!)) throw new FlowError(flow, `step ${where} (${kind}): unknown placeholder ${whole.slice(0, 60)} (use \${input.NAME}, \${vars.NAME}, \${secret:NAME} or \${reference})`);
    }
  }
  if (kind !== 'fill' && stringsOf(parsed.data as Step).some((s) => s.includes('${secret:'))) {
    // A secret anywhere but a field's value could end up in a URL, a selector or an error message.
    throw new FlowError(flow, `step ${where} (${kind}): \${secret:…} may only be a fill step's value`);
  }
  return parsed.data as Step;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

/** Every string inside a step (its values and selectors), for the placeholder checks. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(stringsOf);
}
