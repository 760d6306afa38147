import { defineAction } from '../../../src/sdk/action';
import { SlotSet } from '../../../src/sdk/events';
import { EDGE_BYTES, findCuts, MAX_NON_CUTS, parseCallBody, parseInPieces, PIECEWISE_MIN_BYTES, RUN_BYTES } from '../../../src/channels/rasa/tracker-json';
import { prng, pick, type Random } from '../../support/fuzz';
import { postWebhook } from '../../support/http';
import { registryOf, startTestServer } from '../../support/server';

const TEXTS = ['hi there', 'café au lait ☕', 'where is order A-1?', 'naïve 😀 façade', 'он сказал "да"', 'tab\tand\nnewline', 'back\\slash', '},{"event":"user"}'];

/** Events shaped like Rasa's: user messages with parse_data, bot utterances, actions, slots. */
function events(count: number, rnd: Random): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const ts = 1_700_000_000 + i;
    const text = pick(rnd, TEXTS);
    switch (i % 4) {
      case 0:
        out.push({
          event: 'user',
          timestamp: ts,
          text,
          parse_data: {
            intent: { name: 'greet', confidence: rnd() },
            entities: [{ entity: 'order_id', value: `A-${i}`, start: 0, end: 3 }],
            text,
            intent_ranking: Array.from({ length: 5 }, (_, k) => ({ name: `intent_${k}`, confidence: rnd() })),
          },
          input_channel: 'rest',
          metadata: { locale: 'en-GB' },
        });
        break;
      case 1:
        out.push({ event: 'bot', timestamp: ts, text: `reply ${text}`, data: { buttons: [], custom: null }, metadata: { utter_action: 'utter_greet' } });
        break;
      case 2:
        out.push({ event: 'action', timestamp: ts, name: 'action_listen', policy: 'RulePolicy', confidence: 1, action_text: null, hide_rule_turn: false });
        break;
      default:
        out.push({ event: 'slot', timestamp: ts, name: 'order', value: { id: `A-${i}`, lines: [[1, 2], { sku: 'x' }] } });
    }
  }
  return out;
}

function callBody(count: number, seed = 1, extraTracker: Record<string, unknown> = {}): Record<string, unknown> {
  const rnd = prng(seed);
  return {
    next_action: 'action_count',
    sender_id: 'conv-1',
    tracker: { sender_id: 'conv-1', slots: { order: null }, latest_message: { text: 'hi', intent: { name: 'greet' } }, events: events(count, rnd), paused: false, ...extraTracker },
    domain: { actions: ['action_count'], slots: { order: { type: 'any' } } },
    version: '3.6.21',
  };
}

/** Python's json.dumps defaults (what Rasa sends): ", " and ": " separators, non-ASCII escaped. */
function pythonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${pythonDumps(k)}: ${pythonDumps(v)}`).join(', ')}}`;
  return (JSON.stringify(value) ?? 'null').replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * parseCallBody must answer exactly as JSON.parse of the whole text (same value or same error), and
 * the piecewise path must never produce a value JSON.parse would not. Says which path answered.
 */
function expectSameAsWholeParse(body: Buffer): 'pieces' | 'whole' {
  const before = Buffer.from(body);
  let expected: unknown;
  let expectedError: string | undefined;
  try {
    expected = JSON.parse(body.toString('utf8'));
  } catch (err) {
    expectedError = (err as Error).message;
  }
  const pieces = parseInPieces(body);
  if (expectedError === undefined) {
    expect(parseCallBody(body)).toEqual(expected);
    if (pieces !== undefined) expect(JSON.stringify(pieces)).toBe(JSON.stringify(expected));
  } else {
    expect(pieces).toBeUndefined();
    expect(() => parseCallBody(body)).toThrow(expectedError);
  }
  expect(body.equals(before)).toBe(true);
  return pieces === undefined ? 'whole' : 'pieces';
}

describe('parseCallBody: long trackers parsed in pieces', () => {
  it('cuts a long JSON.stringify tracker between events and gives JSON.parse’s value', () => {
    const text = JSON.stringify(callBody(1500));
    const body = Buffer.from(text);
    expect(body.length).toBeGreaterThan(PIECEWISE_MIN_BYTES);
    expect(findCuts(body).length).toBeGreaterThanOrEqual(3);
    const parsed = parseInPieces(body);
    expect(parsed).toEqual(JSON.parse(text));
    // Key order and event order are kept, not only deep equality.
    expect(JSON.stringify(parsed)).toBe(text);
  });

  it('cuts what Rasa sends too (Python json.dumps separators, non-ASCII escaped)', () => {
    const text = pythonDumps(callBody(1500, 2));
    expect(text).toContain('}, {"event": ');
    const body = Buffer.from(text);
    expect(findCuts(body).length).toBeGreaterThanOrEqual(3);
    expect(parseInPieces(body)).toEqual(JSON.parse(text));
  });

  it('keeps every piece under V8’s large-object size', () => {
    const body = Buffer.from(JSON.stringify(callBody(3000, 3)));
    const cuts = findCuts(body);
    expect(cuts[0]).toBeLessThanOrEqual(EDGE_BYTES);
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]! - cuts[i - 1]!).toBeLessThanOrEqual(RUN_BYTES);
    expect(body.length - cuts[cuts.length - 1]!).toBeLessThanOrEqual(EDGE_BYTES);
    // Each cut is a comma between two events.
    for (const c of cuts) expect(body.toString('utf8', c - 1, c + 9)).toBe('},{"event"');
  });

  it('leaves the body’s bytes as they were', () => {
    const body = Buffer.from(JSON.stringify(callBody(1500, 4)));
    const before = Buffer.from(body);
    parseCallBody(body);
    expect(body.equals(before)).toBe(true);
  });

  it('an event longer than a run gets a run of its own; the rest are still cut small', () => {
    const big = callBody(1500, 5);
    const list = (big.tracker as { events: Record<string, unknown>[] }).events;
    list[700] = { event: 'bot', timestamp: 1, text: 'x'.repeat(200 * 1024) };
    const body = Buffer.from(JSON.stringify(big));
    const cuts = findCuts(body);
    const runs = cuts.slice(1).map((c, i) => c - cuts[i]!);
    expect(runs.filter((r) => r > RUN_BYTES)).toHaveLength(1);
    expect(parseInPieces(body)).toEqual(JSON.parse(body.toString()));
  });

  it('multi-byte characters and invalid UTF-8 next to the cuts decode as in one piece', () => {
    const text = JSON.stringify(callBody(1500, 6)).replace(/"text":"hi there"/g, '"text":"hi there é"');
    const body = Buffer.from(text);
    // Invalid UTF-8 in strings right before cuts: the last "é" (C3 A9) before each cut becomes E2 FF
    // (a truncated sequence, then a byte that is never valid).
    const cuts = findCuts(body);
    for (const c of cuts.slice(1, 5)) {
      const e = body.lastIndexOf(Buffer.from('é'), c);
      expect(e).toBeGreaterThan(cuts[0]!);
      body[e] = 0xe2;
      body[e + 1] = 0xff;
    }
    expect(body.toString()).toContain('\ufffd');
    expect(expectSameAsWholeParse(body)).toBe('pieces');
  });

  it('malformed bodies fail with JSON.parse’s own error, wherever the damage is', () => {
    const text = JSON.stringify(callBody(1500, 7));
    const cuts = findCuts(Buffer.from(text));
    // Damage in the part before the first cut, in a middle run, and after the last cut.
    for (const at of [100, Math.floor((cuts[1]! + cuts[2]!) / 2), text.length - 50]) {
      const damaged = Buffer.from(text);
      damaged[at] = 0x7b; // '{'
      expectSameAsWholeParse(damaged);
    }
    for (const end of [cuts[1]! + 1, cuts[2]! - 3, text.length - 1]) expectSameAsWholeParse(Buffer.from(text.slice(0, end)));
    // A missing comma between two events at a cut.
    expectSameAsWholeParse(Buffer.from(text.slice(0, cuts[1]) + text.slice(cuts[1]! + 1)));
  });

  it('event-like objects outside tracker.events do not move: same value as a whole parse', () => {
    const lookalikes = events(900, prng(8));
    expectSameAsWholeParse(Buffer.from(JSON.stringify({ ...callBody(10, 8), history: lookalikes })));
    expectSameAsWholeParse(Buffer.from(JSON.stringify(callBody(600, 8, { slots: { past: lookalikes } }))));
    const nested = callBody(600, 9);
    (nested.tracker as { events: Record<string, unknown>[] }).events[300]!.metadata = { replay: lookalikes };
    expectSameAsWholeParse(Buffer.from(JSON.stringify(nested)));
    // No tracker at all, or events that are not the tracker's (duplicate keys: the last one wins).
    expectSameAsWholeParse(Buffer.from(JSON.stringify({ next_action: 'x', events: lookalikes })));
    const dup = JSON.stringify(callBody(900, 10));
    expectSameAsWholeParse(Buffer.from(`${dup.slice(0, -1)},"tracker":{"events":[]}}`));
  });

  it('gives up on bodies full of `{"event"` that are not cuts, and parses them whole', () => {
    const lookalikes = Array.from({ length: MAX_NON_CUTS + 1 }, (_, i) => [{ event: 'user', n: i }]);
    const hostile = Buffer.from(JSON.stringify(callBody(1500, 15, { lookalikes })));
    expect(findCuts(hostile)).toEqual([]);
    expectSameAsWholeParse(hostile);
    // A few of them are fine: the events are still cut.
    const fine = Buffer.from(JSON.stringify(callBody(1500, 15, { lookalikes: lookalikes.slice(0, 10) })));
    expect(findCuts(fine).length).toBeGreaterThanOrEqual(3);
    expect(expectSameAsWholeParse(fine)).toBe('pieces');
  });

  it('pretty-printed trackers are parsed whole', () => {
    const body = Buffer.from(JSON.stringify(callBody(1500, 11), null, 2));
    expect(parseInPieces(body)).toBeUndefined();
    expectSameAsWholeParse(body);
  });

  it('strings that look like the splice marker stay strings', () => {
    const body = callBody(1500, 12);
    const list = (body.tracker as { events: unknown[] }).events;
    list.splice(10, 0, '\u0000actionbridge-events-00000000-0000-4000-8000-000000000000', '\u0000actionbridge-events-');
    expect(expectSameAsWholeParse(Buffer.from(JSON.stringify(body)))).toBe('pieces');
  });

  it('seeded fuzz: random damage to a long tracker never changes the answer', () => {
    const text = JSON.stringify(callBody(1200, 13));
    const rnd = prng(20261129);
    const paths = { pieces: 0, whole: 0 };
    const snippets = ['},{"event":', '}, {"event": ', ',', '{', '}', '[', ']', '"', '\\', '{"event"', 'null', '\u00e9'];
    for (let n = 0; n < 120; n++) {
      let t = text;
      for (let k = 0, edits = 1 + Math.floor(rnd() * 3); k < edits; k++) {
        const at = Math.floor(rnd() * t.length);
        const r = rnd();
        if (r < 0.4) t = t.slice(0, at) + pick(rnd, snippets) + t.slice(at);
        else if (r < 0.7) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 40));
        else {
          const from = Math.floor(rnd() * t.length);
          t = t.slice(0, at) + t.slice(from, from + Math.floor(rnd() * 2000)) + t.slice(at);
        }
      }
      paths[expectSameAsWholeParse(Buffer.from(t))]++;
    }
    // Both paths were exercised: damage that keeps the JSON valid is still parsed in pieces.
    expect(paths.pieces).toBeGreaterThan(10);
    expect(paths.whole).toBeGreaterThan(10);
  });
});

describe('POST /webhook with a long tracker', () => {
  it('the action sees every event, in order', async () => {
    const countAction = defineAction({
      name: 'action_count',
      run({ tracker }) {
        const seen = tracker.events.map((e) => String((e as { timestamp?: number }).timestamp));
        return [SlotSet('count', tracker.events.length), SlotSet('first_last', `${seen[0]}..${seen[seen.length - 1]}`), SlotSet('in_order', seen.every((s, i) => Number(s) === 1_700_000_000 + i))];
      },
    });
    const s = await startTestServer(registryOf(countAction));
    try {
      const body = Buffer.from(pythonDumps(callBody(2000, 14)));
      expect(findCuts(body).length).toBeGreaterThanOrEqual(3);
      const res = await postWebhook(s.url, body);
      expect(res.status).toBe(200);
      const values = (res.json() as { events: { name: string; value: unknown }[] }).events.map((e) => [e.name, e.value]);
      expect(values).toEqual([
        ['count', 2000],
        ['first_last', '1700000000..1700001999'],
        ['in_order', true],
      ]);
    } finally {
      await s.close();
    }
  });
});
