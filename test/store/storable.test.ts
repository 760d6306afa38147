/** Text PostgreSQL would refuse (U+0000, unpaired surrogates) is made storable instead of failing the query. */
import { storableText } from '../../src/store/storable';
import type { Store } from '../../src/store';
import { STORE_TARGETS } from '../support/stores';

describe('storableText', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a\0b', 'ab'],
    ['lone \ud800 high', 'lone \ufffd high'],
    ['lone \udc00 low', 'lone \ufffd low'],
    ['pair 😀 kept', 'pair 😀 kept'],
    [JSON.stringify({ t: 'a\0b' }), '{"t":"ab"}'],
    [JSON.stringify({ t: 'x\ud800y' }), '{"t":"x\\ufffdy"}'],
    [JSON.stringify({ t: 'x\udc00y' }), '{"t":"x\\ufffdy"}'],
    [JSON.stringify({ t: '😀' }), JSON.stringify({ t: '😀' })],
    // Literal backslashes followed by "u0000" are text, not escapes: left alone.
    [JSON.stringify({ t: '\\u0000 and \\ud800' }), JSON.stringify({ t: '\\u0000 and \\ud800' })],
    ['{"t":"\\ud83d\\ude00"}', '{"t":"\\ud83d\\ude00"}'],
  ])('%j → %j', (input, expected) => expect(storableText(input)).toBe(expected));
});

describe.each(STORE_TARGETS)('storing hostile text on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    await store.query('CREATE TABLE hostile_text (t text, j jsonb)');
  });
  afterAll(() => cleanup());

  it('stores NULs and unpaired surrogates in text and jsonb columns instead of failing', async () => {
    const text = 'ticket\0 about \ud800 emoji 😀';
    await store.query('INSERT INTO hostile_text (t, j) VALUES ($1, $2::jsonb)', [text, JSON.stringify({ description: text, nested: [{ k: 'a\0' }] })]);
    const { rows } = await store.query<{ t: string; j: { description: string; nested: { k: string }[] } }>('SELECT t, j FROM hostile_text');
    expect(rows).toEqual([{ t: 'ticket about \ufffd emoji 😀', j: { description: 'ticket about \ufffd emoji 😀', nested: [{ k: 'a' }] } }]);
  });
});
