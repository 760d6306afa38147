/** The `actionbridge` command, run in-process through `main(argv, io, env)` with captured output. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type Io } from '../../../src/main/cli/main';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s) };
  const code = await main(argv, io, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The shipped assistant's domain; `call` reads `./domain.yml` only by default, and the repository root has none. */
const DEMO_DOMAIN = path.resolve(__dirname, '../../../rasa-project/domain.yml');

/** Plain CommonJS actions that report what `call` handed them. */
const PROBE_ACTIONS = `
module.exports = [
  {
    name: 'action_slot_types',
    kind: 'action',
    slotNames: ['count', 'flags'],
    async run({ tracker, dispatcher }) {
      for (const k of ['count', 'flags', 'plain']) {
        const v = tracker.getSlot(k);
        dispatcher.utterMessage(k + ':' + typeof v + ':' + JSON.stringify(v));
      }
      return [];
    },
  },
  {
    name: 'action_latest',
    kind: 'action',
    slotNames: [],
    async run({ tracker, dispatcher, domain }) {
      dispatcher.utterMessage({
        text: tracker.latestText,
        custom: { intent: tracker.getIntentOfLatestMessage(false), sender: tracker.senderId, metadata: tracker.latestMetadata, domainActions: domain && domain.actions },
      });
      return [];
    },
  },
];
`;

describe('actionbridge CLI', () => {
  let tmp: string;
  let probes: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-cli-'));
    probes = path.join(tmp, 'actions');
    fs.mkdirSync(probes);
    fs.writeFileSync(path.join(probes, 'probes.js'), PROBE_ACTIONS);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('list', () => {
    it('prints the shipped actions with their kind and slots', async () => {
      const r = await run(['list']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('action_greet  (action; slots: user_name)');
      expect(r.out).toContain('action_validate_slot_mappings  (slot_validation; slots: user_name)');
    });

    it('--json prints one JSON array', async () => {
      const r = await run(['list', '--json']);
      expect(r.code).toBe(0);
      const listed = JSON.parse(r.out) as { name: string; kind: string; slots: string[] }[];
      expect(listed).toEqual(expect.arrayContaining([{ name: 'action_greet', kind: 'action', slots: ['user_name'] }]));
    });

    it('--actions lists another folder', async () => {
      const r = await run(['list', '--json', '--actions', probes]);
      expect(JSON.parse(r.out)).toEqual([
        { name: 'action_slot_types', kind: 'action', slots: ['count', 'flags'] },
        { name: 'action_latest', kind: 'action', slots: [] },
      ]);
    });

    it('ACTIONS_DIR from the environment is honoured', async () => {
      const r = await run(['list', '--json'], { ACTIONS_DIR: probes });
      expect((JSON.parse(r.out) as { name: string }[]).map((a) => a.name)).toEqual(['action_slot_types', 'action_latest']);
    });

    it('two files defining the same action name → exit 1 naming both files', async () => {
      const dup = path.join(tmp, 'dup');
      fs.mkdirSync(dup);
      const action = "module.exports = { name: 'action_same', kind: 'action', slotNames: [], run: async () => [] };\n";
      fs.writeFileSync(path.join(dup, 'a_first.js'), action);
      fs.writeFileSync(path.join(dup, 'b_second.js'), action);
      const r = await run(['list', '--actions', dup]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/'action_same' is defined twice: in .*a_first\.js and in .*b_second\.js/);
    });

    it('a missing actions folder → exit 1 naming it', async () => {
      const missing = path.join(tmp, 'nope');
      const r = await run(['list', '--actions', missing]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(missing);
    });
  });

  describe('call', () => {
    it('runs action_greet with a slot and prints events and responses as JSON', async () => {
      const r = await run(['call', 'action_greet', '--slot', 'user_name=Ada']);
      expect(r.code).toBe(0);
      const printed = JSON.parse(r.out) as { events: unknown[]; responses: { text: string }[] };
      expect(Object.keys(printed)).toEqual(['events', 'responses']);
      expect(printed.events).toEqual([]);
      expect(printed.responses).toHaveLength(1);
      expect(printed.responses[0]!.text).toContain('Ada');
      expect(printed.responses[0]!.text).toMatch(/^Hello, Ada!/);
    });

    it('--extracted feeds the validation action the values Rasa just extracted', async () => {
      const r = await run(['call', 'action_validate_slot_mappings', '--extracted', 'user_name=  ada   lovelace ', '--domain', DEMO_DOMAIN]);
      expect(r.code).toBe(0);
      const printed = JSON.parse(r.out) as { events: { event: string; name: string; value: unknown }[] };
      expect(printed.events).toEqual([{ event: 'slot', timestamp: null, name: 'user_name', value: 'Ada Lovelace' }]);
    });

    it('a slot value keeps everything after the first "="', async () => {
      const r = await run(['call', 'action_greet', '--slot', 'user_name=A=B']);
      expect((JSON.parse(r.out) as { responses: { text: string }[] }).responses[0]!.text).toMatch(/^Hello, A=B!/);
    });

    it('--slot values are strings, --json-slot values are JSON', async () => {
      const r = await run(['call', 'action_slot_types', '--actions', probes, '--json-slot', 'count=3', '--json-slot', 'flags={"vip":true}', '--slot', 'plain=3']);
      expect(r.code).toBe(0);
      const texts = (JSON.parse(r.out) as { responses: { text: string }[] }).responses.map((x) => x.text);
      expect(texts).toEqual(['count:number:3', 'flags:object:{"vip":true}', 'plain:string:"3"']);
    });

    it('--text, --intent, --sender and --metadata build the latest message', async () => {
      const r = await run([
        'call',
        'action_latest',
        '--actions',
        probes,
        '--text',
        'I want pizza',
        '--intent',
        'order',
        '--sender',
        'conv-9',
        '--metadata',
        '{"channel":"web"}',
      ]);
      expect(r.code).toBe(0);
      const [resp] = (JSON.parse(r.out) as { responses: { text: string; custom: Record<string, unknown> }[] }).responses;
      expect(resp!.text).toBe('I want pizza');
      expect(resp!.custom).toMatchObject({ intent: 'order', sender: 'conv-9', metadata: { channel: 'web' } });
    });

    it('the sender defaults to cli-user', async () => {
      const r = await run(['call', 'action_latest', '--actions', probes, '--text', 'hi']);
      expect((JSON.parse(r.out) as { responses: { custom: { sender: string } }[] }).responses[0]!.custom.sender).toBe('cli-user');
    });

    it('--domain hands the action that domain', async () => {
      const domainFile = path.join(tmp, 'call-domain.yml');
      fs.writeFileSync(domainFile, 'actions:\n  - action_latest\n  - action_other\n');
      const r = await run(['call', 'action_latest', '--actions', probes, '--text', 'x', '--domain', domainFile]);
      expect((JSON.parse(r.out) as { responses: { custom: { domainActions: string[] } }[] }).responses[0]!.custom.domainActions).toEqual([
        'action_latest',
        'action_other',
      ]);
    });

    it("without --domain, the working folder's domain.yml, else none (never the package's demo)", async () => {
      const project = fs.mkdtempSync(path.join(tmp, 'project-'));
      const cwd = process.cwd();
      const domainActions = async () => {
        process.chdir(project);
        try {
          const r = await run(['call', 'action_latest', '--actions', probes, '--text', 'x']);
          return (JSON.parse(r.out) as { responses: { custom: { domainActions: string[] | null } }[] }).responses[0]!.custom.domainActions;
        } finally {
          process.chdir(cwd);
        }
      };
      expect(await domainActions()).toBeNull();
      fs.writeFileSync(path.join(project, 'domain.yml'), 'actions:\n  - action_latest\n');
      expect(await domainActions()).toEqual(['action_latest']);
    });

    it('--rasa-version refuses an event that Rasa rejects, naming it; the newest Rasa takes it', async () => {
      const ending = path.join(tmp, 'ending');
      fs.mkdirSync(ending, { recursive: true });
      fs.writeFileSync(
        path.join(ending, 'ending.js'),
        "module.exports = { name: 'action_end_session', kind: 'action', slotNames: [], run: async () => [" +
          "{ event: 'slot', name: 'done', value: true, timestamp: null }, { event: 'session_ended', metadata: null, timestamp: null }] };\n",
      );
      const old = await run(['call', 'action_end_session', '--actions', ending, '--rasa-version', '3.6.21']);
      expect(old.code).toBe(1);
      expect(old.err).toContain("action 'action_end_session' returned events Rasa 3.6.21 rejects: session_ended (accepted from Rasa 3.16.0)");
      expect(old.out).toBe('');
      const newest = await run(['call', 'action_end_session', '--actions', ending]);
      expect(newest.code).toBe(0);
      expect((JSON.parse(newest.out) as { events: { event: string }[] }).events.map((e) => e.event)).toEqual(['slot', 'session_ended']);
    });

    it('an unknown action → exit 1 with the registered names', async () => {
      const r = await run(['call', 'action_nope']);
      expect(r.code).toBe(1);
      expect(r.err).toContain("No registered action found for name 'action_nope'");
      expect(r.err).toContain('action_greet');
      expect(r.out).toBe('');
    });

    it.each([
      ['a --slot without "="', ['call', 'action_greet', '--slot', 'user_name']],
      ['a --slot with an empty name', ['call', 'action_greet', '--slot', '=Ada']],
      ['a --json-slot that is not JSON', ['call', 'action_greet', '--json-slot', 'user_name={oops']],
      ['--metadata that is not JSON', ['call', 'action_greet', '--metadata', 'nope']],
      ['--metadata that is a JSON array', ['call', 'action_greet', '--metadata', '[1]']],
      ['no action name', ['call']],
      ['an unknown option', ['call', 'action_greet', '--colour', 'red']],
    ])('%s → exit 2 with usage', async (_label, argv) => {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('Usage: actionbridge');
      expect(r.out).toBe('');
    });

    it('names the offending --slot value', async () => {
      const r = await run(['call', 'action_greet', '--slot', 'user_name']);
      expect(r.err).toContain("'user_name'");
    });
  });

  describe('other commands', () => {
    it('an unknown command → exit 2 naming it', async () => {
      const r = await run(['frobnicate']);
      expect(r.code).toBe(2);
      expect(r.err).toContain("Unknown command 'frobnicate'");
      expect(r.err).toContain('Usage: actionbridge');
    });

    it('help → usage on stdout, exit 0', async () => {
      const r = await run(['help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('Usage: actionbridge');
    });

    it('no command → usage, exit 2', async () => {
      const r = await run([]);
      expect(r.code).toBe(2);
      expect(r.out).toContain('Usage: actionbridge');
    });
  });
});
