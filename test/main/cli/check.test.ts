/** `actionbridge check`: the Rasa domain against the registered actions. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type Io } from '../../../src/main/cli/main';
import { ROOT } from '../../support/process';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s) };
  const code = await main(argv, io, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Two actions and a form validation, as plain CommonJS. */
const ACTIONS = `
const noop = async () => [];
module.exports = {
  weather: { name: 'action_weather', kind: 'action', slotNames: ['city'], run: noop },
  booking: { name: 'action_book', kind: 'action', slotNames: [], run: noop },
  validateBooking: { name: 'validate_booking_form', kind: 'form_validation', slotNames: ['date'], run: noop },
};
`;

const GOOD_DOMAIN = `
version: "3.1"
slots:
  city: { type: text, mappings: [] }
  date: { type: text, mappings: [] }
forms:
  booking_form:
    required_slots: [date]
responses:
  utter_ask_city:
    - text: Which city?
actions:
  - action_weather
  - action_book
  - validate_booking_form
  - utter_ask_city
  - action_restart
`;

describe('actionbridge check', () => {
  let tmp: string;
  let actions: string;
  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-check-'));
    actions = path.join(tmp, 'actions');
    write('actions/all.js', ACTIONS);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('passes on a matching domain (utter_ and Rasa built-in actions are not ours to serve)', async () => {
    const r = await run(['check', '--actions', actions, '--domain', write('good.yml', GOOD_DOMAIN)]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^check passed: 3 actions and 2 slot reads match /);
  });

  it('accepts actions listed as single-key mappings', async () => {
    const domain = GOOD_DOMAIN.replace('  - action_book\n', '  - action_book: { send_domain: true }\n');
    const r = await run(['check', '--actions', actions, '--domain', write('mapping.yml', domain)]);
    expect(r.code).toBe(0);
  });

  it('reports every mismatch at once and exits 1', async () => {
    const bad = `
slots:
  date: { type: text }
actions:
  - action_weather
  - validate_booking_form
  - action_ghost
`;
    const r = await run(['check', '--actions', actions, '--domain', write('bad.yml', bad)]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/check failed: 4 problem\(s\)/);
    const problems = r.err.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems).toHaveLength(4);
    // lists an action nobody registered
    expect(r.err).toMatch(/domain lists action 'action_ghost' but no action with that name is registered/);
    // an action reads a slot the domain lacks
    expect(r.err).toMatch(/action 'action_weather' reads slot 'city', which the domain does not declare/);
    // a validate_ action without its form
    expect(r.err).toMatch(/'validate_booking_form' validates form 'booking_form', which the domain does not define/);
    // a registered action the domain does not list
    expect(r.err).toMatch(/action 'action_book' is registered but not listed under 'actions:'/);
  });

  it.each([
    ['an unregistered action', (d: string) => d.replace('  - action_book\n', '  - action_book\n  - action_missing\n'), /'action_missing'/],
    ['a missing slot', (d: string) => d.replace('  city: { type: text, mappings: [] }\n', ''), /reads slot 'city'/],
    ['a missing form', (d: string) => d.replace(/forms:\n {2}booking_form:\n {4}required_slots: \[date\]\n/, ''), /validates form 'booking_form'/],
    ['an unlisted registered action', (d: string) => d.replace('  - action_weather\n', ''), /'action_weather' is registered but not listed/],
  ])('one problem alone is enough to fail: %s', async (_label, mutate, expected) => {
    const domain = mutate(GOOD_DOMAIN);
    expect(domain).not.toBe(GOOD_DOMAIN);
    const r = await run(['check', '--actions', actions, '--domain', write(`one-${_label.replace(/\W+/g, '-')}.yml`, domain)]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/check failed: 1 problem\(s\)/);
    expect(r.err).toMatch(expected);
  });

  it('reads a domain split over a folder tree of YAML files, as Rasa does (and ignores other files)', async () => {
    write('split/actions.yml', 'actions:\n  - action_weather\n  - action_book\n');
    write('split/forms.yaml', 'forms:\n  booking_form:\n    required_slots: [date]\nactions:\n  - validate_booking_form\n');
    write('split/slots.yml', 'slots:\n  city: { type: text }\n');
    write('split/nested/deeper/more-slots.yml', 'slots:\n  date: { type: text }\n');
    write('split/README.md', 'actions: not yaml of ours');
    const r = await run(['check', '--actions', actions, '--domain', path.join(tmp, 'split')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('a split domain missing a part fails', async () => {
    write('split-partial/actions.yml', 'actions:\n  - action_weather\n  - action_book\n  - validate_booking_form\n');
    write('split-partial/slots.yml', 'slots:\n  city: { type: text }\n  date: { type: text }\n');
    const r = await run(['check', '--actions', actions, '--domain', path.join(tmp, 'split-partial')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/validates form 'booking_form'/);
  });

  it('a domain file that is not a YAML mapping → exit 1 naming the file', async () => {
    const file = write('list.yml', '- just\n- a list\n');
    const r = await run(['check', '--actions', actions, '--domain', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(file);
  });

  it('a domain path that does not exist → non-zero exit naming it', async () => {
    const missing = path.join(tmp, 'nope.yml');
    const r = await run(['check', '--actions', actions, '--domain', missing]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('nope.yml');
  });

  it('the shipped actions match the shipped Rasa assistant (rasa-project/domain.yml)', async () => {
    const domain = path.join(ROOT, 'rasa-project', 'domain.yml');
    const text = fs.readFileSync(domain, 'utf8');
    expect(text).toContain('action_greet');
    expect(text).toContain('action_validate_slot_mappings');
    expect(text).toContain('user_name');
    // The default actions folder and the demo domain named: what .ci/run checks.
    const r = await run(['check', '--domain', domain]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^check passed: /);
  });

  describe("the default domain is the project's own, in the folder check runs in", () => {
    const cwd = process.cwd();
    const inFolder = async (folder: string, argv: string[]) => {
      process.chdir(folder);
      try {
        return await run(argv);
      } finally {
        process.chdir(cwd);
      }
    };

    it('./domain.yml', async () => {
      const project = path.join(tmp, 'project-file');
      fs.mkdirSync(project, { recursive: true });
      fs.writeFileSync(path.join(project, 'domain.yml'), GOOD_DOMAIN);
      const r = await inFolder(project, ['check', '--actions', actions]);
      expect(r.err).toBe('');
      expect(r.out).toBe('check passed: 3 actions and 2 slot reads match domain.yml');
    });

    it('else a split ./domain/ folder', async () => {
      const project = path.join(tmp, 'project-folder');
      write('project-folder/domain/actions.yml', 'actions: [action_weather, action_book, validate_booking_form]\n');
      write('project-folder/domain/slots.yml', 'slots:\n  city: { type: text, mappings: [] }\n  date: { type: text, mappings: [] }\nforms:\n  booking_form: { required_slots: [date] }\n');
      const r = await inFolder(project, ['check', '--actions', actions]);
      expect(r.err).toBe('');
      expect(r.out).toBe('check passed: 3 actions and 2 slot reads match domain');
    });

    it("never the package's demo assistant: with neither, it asks for --domain", async () => {
      const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
      const r = await inFolder(empty, ['check', '--actions', actions]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('No domain found');
      expect(r.err).toContain('--domain');
      expect(r.out).toBe('');
    });
  });

  it('fails on a slot mapping conditioned on a form that does not require the slot (rasa data validate)', async () => {
    const domain = GOOD_DOMAIN.replace('city: { type: text, mappings: [] }', 'city: { type: text, mappings: [{ type: from_text, conditions: [{ active_loop: booking_form }] }] }');
    const r = await run(['check', '--actions', actions, '--domain', write('conditioned.yml', domain)]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("slot 'city' has a mapping conditioned on form 'booking_form', but 'booking_form' does not list it in required_slots");
  });
});
