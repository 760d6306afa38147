/**
 * What Rasa would reject at training time, checked without Rasa: the stories, rules and NLU
 * examples use only intents, entities, slots, actions and forms the domain declares, every form
 * slot can be asked for, and categorical slot values in stories are allowed values.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '../../rasa-project');
const load = (f: string) => YAML.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as Record<string, unknown>;
const domain = load('domain.yml');
const nlu = (load('data/nlu.yml').nlu ?? []) as Record<string, unknown>[];
const stories = (load('data/stories.yml').stories ?? []) as { steps: Record<string, unknown>[] }[];
const rules = (load('data/rules.yml').rules ?? []) as { steps: Record<string, unknown>[]; condition?: Record<string, unknown>[] }[];

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : Object.keys(x as object)[0]!)) : []);
const intents = new Set(list(domain.intents));
const entities = new Set(list(domain.entities));
const slots = (domain.slots ?? {}) as Record<string, { type?: string; values?: unknown[] }>;
const forms = (domain.forms ?? {}) as Record<string, { required_slots: string[] }>;
const responses = new Set(Object.keys((domain.responses ?? {}) as object));
const actions = new Set([...list(domain.actions), ...responses, ...Object.keys(forms), 'action_listen', 'action_restart']);
const steps = [...stories, ...rules].flatMap((s) => [...s.steps, ...((s as { condition?: Record<string, unknown>[] }).condition ?? [])]);

describe('rasa-project training data against the domain', () => {
  it('reads every file (so the checks below are not vacuous)', () => {
    expect(nlu.length).toBeGreaterThan(5);
    expect(stories.length).toBeGreaterThan(0);
    expect(rules.length).toBeGreaterThan(0);
    expect([...intents]).toEqual(expect.arrayContaining(['check_order_status', 'change_delivery_address']));
    expect(Object.keys(forms)).toEqual(expect.arrayContaining(['order_form', 'address_form']));
  });

  it('uses only declared intents', () => {
    const used = [...nlu.filter((n) => n.intent).map((n) => String(n.intent)), ...steps.filter((s) => s.intent).map((s) => String(s.intent))];
    expect(used.filter((i) => !intents.has(i))).toEqual([]);
  });

  it('annotates only declared entities in NLU examples and stories', () => {
    const annotated = nlu.flatMap((n) => [...String(n.examples ?? '').matchAll(/\]\(([a-z_]+)\)/g)].map((m) => m[1]!));
    const inStories = steps.flatMap((s) => (Array.isArray(s.entities) ? s.entities.flatMap((e) => Object.keys(e as object)) : []));
    expect([...annotated, ...inStories].filter((e) => !entities.has(e))).toEqual([]);
  });

  it('runs only declared actions, responses and forms', () => {
    const used = steps.filter((s) => s.action).map((s) => String(s.action));
    expect(used.filter((a) => !actions.has(a))).toEqual([]);
  });

  it('loops only through declared forms', () => {
    const loops = steps.filter((s) => typeof s.active_loop === 'string').map((s) => String(s.active_loop));
    expect(loops.filter((l) => !(l in forms))).toEqual([]);
  });

  it('sets only declared slots, with allowed values for categorical ones', () => {
    const problems: string[] = [];
    for (const s of steps) {
      for (const entry of (s.slot_was_set as Record<string, unknown>[] | undefined) ?? []) {
        const [name, value] = typeof entry === 'string' ? [entry, undefined] : Object.entries(entry)[0]!;
        if (name === 'requested_slot') continue;
        const slot = slots[name];
        if (!slot) problems.push(`undeclared slot ${name}`);
        else if (slot.type === 'categorical' && value !== undefined && value !== null && !(slot.values ?? []).includes(value)) problems.push(`${name}: ${String(value)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('can ask for every slot a form requires', () => {
    const missing = Object.values(forms)
      .flatMap((f) => f.required_slots)
      .filter((slot) => !slots[slot] || !responses.has(`utter_ask_${slot}`));
    expect(missing).toEqual([]);
  });
});
