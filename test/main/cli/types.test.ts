/**
 * `actionbridge types`: declarations generated from rasa-project's domain make a misspelled slot,
 * response or form name a compile error, checked with the TypeScript compiler on real action files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { main, type Io } from '../../../src/main/cli/main';

const REPO = path.resolve(__dirname, '../../..');
const DOMAIN = path.join(REPO, 'rasa-project', 'domain.yml');

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s) };
  const code = await main(argv, io, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** An action file importing the SDK (and zod) from this repository, as an adopter imports `actionbridge`. */
const actionFile = (sdk: string, body: string) => `import { z } from ${JSON.stringify(sdk.replace(/src\/sdk$/, 'node_modules/zod'))};
import { defineAction, defineFormValidation, SlotSet } from ${JSON.stringify(sdk)};
${body}
`;

const CORRECT = `
export const greet = defineAction({
  name: 'action_greet',
  slots: z.object({ user_name: z.string().optional() }),
  run({ slots, tracker, dispatcher }) {
    const status: 'pending' | 'processing' | 'shipped' | 'out_for_delivery' | 'delivered' | 'cancelled' | null = tracker.getSlot('order_status');
    const verified: boolean | null = tracker.getSlot('order_verified');
    dispatcher.utterMessage({ response: 'utter_goodbye', name: slots.user_name ?? null, status, verified });
    return [SlotSet('user_name', slots.user_name ?? null)];
  },
});
export const ticket = defineFormValidation({ form: 'ticket_form', validate: { ticket_severity: (value) => ({ ticket_severity: value }) } });
`;

const MISSPELLED: Record<string, { body: string; message: string }> = {
  'a slot in the schema': {
    body: `export const a = defineAction({ name: 'a', slots: z.object({ user_nme: z.string() }), run: () => [] });`,
    message: 'not a slot of the domain: user_nme',
  },
  'a slot read from the tracker': {
    body: `export const b = defineAction({ name: 'b', run: ({ tracker }) => { tracker.getSlot('order_stauts'); } });`,
    message: `Argument of type '"order_stauts"' is not assignable to parameter of type`,
  },
  'a response': {
    body: `export const c = defineAction({ name: 'c', run: ({ dispatcher }) => { dispatcher.utterMessage({ response: 'utter_goodby' }); } });`,
    message: `Type '"utter_goodby"' is not assignable to type`,
  },
  'a form': {
    body: `export const d = defineFormValidation({ form: 'tiket_form' });`,
    message: `Type '"tiket_form"' is not assignable to type`,
  },
  'a slot a form validates': {
    body: `export const e = defineFormValidation({ form: 'ticket_form', validate: { ticket_sevrity: () => ({}) } });`,
    message: `'ticket_sevrity' does not exist in type`,
  },
  'a schema refusing its slot type (a text slot read as a number)': {
    body: `export const f = defineAction({ name: 'f', slots: z.object({ user_name: z.number() }), run: () => [] });`,
    message: `slot schema does not accept the domain's type of: user_name`,
  },
};

/** Errors of a program of `files`, as "file: message" lines (every file, the SDK's own included). */
function compile(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    types: ['node'],
    typeRoots: [path.join(REPO, 'node_modules', '@types')],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.basename(d.file.fileName) : '-'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('actionbridge types', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-types-'));
  const declarations = path.join(tmp, 'domain.d.ts');
  const sdk = path.relative(tmp, path.join(REPO, 'src', 'sdk')).split(path.sep).join('/');
  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  beforeAll(async () => {
    // Written in the temporary folder, not the repository, so only these programs see the augmentation.
    const r = await run(['types', '--domain', DOMAIN, '--out', declarations, '--module', sdk]);
    expect(r).toMatchObject({ code: 0, err: '' });
  });

  it("declares the domain's slots with their types, its responses and its forms' required slots", () => {
    const text = fs.readFileSync(declarations, 'utf8');
    expect(text).toContain(`declare module ${JSON.stringify(sdk)} {`);
    expect(text).toContain('"user_name": string | null;');
    expect(text).toContain('"order_verified": boolean | null;');
    expect(text).toContain('"order_status": "pending" | "processing" | "shipped" | "out_for_delivery" | "delivered" | "cancelled" | null;');
    expect(text).toContain('"requested_slot": string | null;');
    expect(text).toContain('"utter_goodbye": true;');
    expect(text).toContain('"ticket_form": "ticket_summary" | "ticket_description" | "ticket_severity";');
  });

  it('a correct action compiles against the typed domain, the SDK included', () => {
    expect(compile([write('correct.ts', actionFile(sdk, CORRECT)), declarations])).toEqual([]);
  }, 120_000);

  it('each misspelling is a compile error in the action that makes it, and only there', () => {
    const files = Object.entries(MISSPELLED).map(([, { body }], i) => write(`misspelled-${i}.ts`, actionFile(sdk, body)));
    const errors = compile([...files, declarations]);
    Object.values(MISSPELLED).forEach(({ message }, i) => {
      const mine = errors.filter((e) => e.startsWith(`misspelled-${i}.ts: `));
      expect(mine).toEqual([expect.stringContaining(message)]);
    });
    expect(errors).toHaveLength(files.length);
  }, 120_000);

  it("the shipped actions compile against rasa-project's typed domain (they name only what it declares)", () => {
    const shipped = fs.readdirSync(path.join(REPO, 'actions')).filter((f) => f.endsWith('.ts')).map((f) => path.join(REPO, 'actions', f));
    expect(shipped.length).toBeGreaterThan(5);
    expect(compile([...shipped, declarations])).toEqual([]);
  }, 120_000);

  it('without the declarations the same actions compile as before (untyped domain: any name)', () => {
    const files = Object.values(MISSPELLED).map(({ body }, i) => write(`untyped-${i}.ts`, actionFile(sdk, body)));
    expect(compile(files)).toEqual([]);
  }, 120_000);

  it('--help prints its usage and writes nothing', async () => {
    const cwd = process.cwd();
    const folder = fs.mkdtempSync(path.join(tmp, 'help-'));
    process.chdir(folder);
    try {
      const r = await run(['types', '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('--out path');
      expect(fs.readdirSync(folder)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('needs a domain: none in the working folder and no --domain → usage error', async () => {
    const cwd = process.cwd();
    process.chdir(fs.mkdtempSync(path.join(tmp, 'empty-')));
    try {
      const r = await run(['types']);
      expect(r.code).toBe(2);
      expect(r.err).toContain('No domain found');
    } finally {
      process.chdir(cwd);
    }
  });
});
