/** The intent/tag → action mapping file and its defaults. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cxCandidates, defaultActionNames, esCandidates, loadMapping, MappingFileError, parseMapping, slug } from '../../../src/channels/dialogflow/mapping';
import { loadActionsDir } from '../../../src/sdk/load-actions';
import { MAPPING_FILE } from '../../support/dialogflow';

describe('default action names', () => {
  it('slugs display names and tags', () => {
    expect(slug('Order Status')).toBe('order_status');
    expect(slug('order.status')).toBe('order_status');
    expect(slug('  File--Ticket! ')).toBe('file_ticket');
    expect(defaultActionNames('file-ticket')).toEqual(['action_file_ticket']);
    expect(defaultActionNames('action_greet')).toEqual(['action_greet']);
    expect(defaultActionNames('validate_ticket_form')).toEqual(['validate_ticket_form', 'action_validate_ticket_form']);
    expect(defaultActionNames('...')).toEqual([]);
  });

  it('a mapped intent or tag runs exactly its mapped action', () => {
    const mapping = parseMapping({ es: { intents: { Welcome: 'action_hello' } }, cx: { tags: { hi: 'action_hello' } } });
    expect(esCandidates(mapping, 'Welcome', 'action_other')).toEqual(['action_hello']);
    expect(esCandidates(mapping, 'Order Status', 'action_lookup')).toEqual(['action_lookup', 'action_order_status']);
    expect(cxCandidates(mapping, 'hi')).toEqual(['action_hello']);
    expect(cxCandidates(mapping, 'bye')).toEqual(['action_bye']);
  });
});

describe('loadMapping', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'df-mapping-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(tmp, name), text);
    return path.join(tmp, name);
  };

  it('reads the fixture with defaults filled in', () => {
    const m = loadMapping(MAPPING_FILE);
    expect(m.es.intents['Default Welcome Intent']).toBe('action_greet');
    expect(m.es.slotContext).toBe('actionbridge_slots');
    expect(m.es.contextLifespan).toBe(30);
  });

  it('without a file and without the default file, maps nothing and uses defaults', () => {
    const m = loadMapping(undefined, tmp);
    expect(m).toEqual(parseMapping({}));
    expect(m.es.contextLifespan).toBe(50);
  });

  it('uses dialogflow.mapping.json in the working folder when present', () => {
    write('dialogflow.mapping.json', JSON.stringify({ cx: { tags: { a: 'action_b' } } }));
    expect(loadMapping(undefined, tmp).cx.tags).toEqual({ a: 'action_b' });
  });

  it.each([
    ['a missing named file', () => loadMapping(path.join(tmp, 'nope.json')), /file not found/],
    ['invalid JSON', () => loadMapping(write('bad.json', '{')), /not valid JSON/],
    ['an unknown key (typo)', () => loadMapping(write('typo.json', JSON.stringify({ es: { intent: {} } }))), /es/],
    ['a CX target that is not a page or flow', () => loadMapping(write('target.json', JSON.stringify({ cx: { targets: { a: 'pages/x' } } }))), /cx\.targets\.a/],
    ['a bad slot context id', () => loadMapping(write('ctx.json', JSON.stringify({ es: { slotContext: 'Has Spaces' } }))), /slotContext/],
  ])('rejects %s with a message naming the file', (_what, load, problem) => {
    expect(load).toThrow(MappingFileError);
    expect(load).toThrow(problem);
  });
});

describe('the shipped dialogflow.mapping.json', () => {
  it('is valid and maps only to actions that exist in actions/', () => {
    const root = path.resolve(__dirname, '../../..');
    const m = loadMapping('dialogflow.mapping.json', root);
    const registry = loadActionsDir(path.join(root, 'actions'));
    for (const action of [...Object.values(m.es.intents), ...Object.values(m.cx.tags)]) expect(registry.has(action)).toBe(true);
  });
});
