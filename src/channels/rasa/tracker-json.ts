/**
 * JSON.parse for Rasa action calls, in pieces when the tracker is long.
 *
 * Why: V8 puts every string over 128 KiB in its large-object space, on pages of its own that are
 * mapped when the string is made and unmapped when it dies. Decoding a 450 KB tracker to one string
 * therefore maps, faults in and unmaps ~110 pages per call. On the virtual machine of our benchmark
 * that costs ~1.3 ms, as much as the JSON.parse itself; the same bytes decoded as young-generation
 * strings (under 128 KiB, on pages already mapped and reused at every scavenge) take ~30 µs.
 *
 * How: almost all of a long call is `tracker.events`, and Rasa writes each event as an object
 * whose first key is `event`. The body is cut at commas that sit between `}` and `{"event"`
 * (whitespace allowed, so both JSON.stringify's and Python's json.dumps' separators match). The
 * runs of events between the first and the last cut are parsed on their own as arrays; the rest of
 * the body is parsed with the runs replaced by one marker string, and the runs are spliced back in
 * where the marker landed in `tracker.events`.
 *
 * Why the result is always exactly JSON.parse(whole text): inside a JSON string every `"` is
 * escaped, so a raw `{"event"` is never string content. Each run parses as an array only if it is
 * a complete list of values; the outer text parses only if the marker was read as one array
 * element; and the marker is a per-process random string no caller can write. A list of values
 * standing in for one element of an array is the same array with those values in its place. When
 * any of this does not hold (pretty-printed bodies, events in another order, malformed JSON) the
 * whole text is parsed as usual, so errors read exactly as JSON.parse words them.
 */
import { randomUUID } from 'node:crypto';

/** Below this the decoded text stays under V8's large-object size anyway (one byte per character for Latin-1 text). */
export const PIECEWISE_MIN_BYTES = 128 * 1024;
/** Largest run of events parsed at once (bytes). */
export const RUN_BYTES = 96 * 1024;
/** Budget for the text before the first cut and after the last one, which are parsed together. */
export const EDGE_BYTES = 32 * 1024;

const MARKER = `\u0000actionbridge-events-${randomUUID()}`;
const MARKER_JSON = JSON.stringify(MARKER);
const EVENT_OPEN = Buffer.from('{"event"');
const COMMA = 0x2c;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isJsonSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Parses a call body exactly as JSON.parse(body.toString('utf8')) would; throws its SyntaxError. */
export function parseCallBody(body: Buffer): unknown {
  if (body.length >= PIECEWISE_MIN_BYTES) {
    const parsed = parseInPieces(body);
    if (parsed !== undefined) return parsed;
  }
  return JSON.parse(body.toString('utf8'));
}

/** The body parsed in pieces, or undefined when it cannot be cut that way (the caller parses it whole). */
export function parseInPieces(body: Buffer): unknown {
  const cuts = findCuts(body);
  return cuts.length >= 2 ? parseAtCuts(body, cuts) : undefined;
}

/** The comma in front of the `{"event"` at `at`, when only `}` and whitespace precede it; else -1. */
function cutBefore(body: Buffer, at: number): number {
  let comma = at - 1;
  while (isJsonSpace(body[comma])) comma--;
  if (body[comma] !== COMMA) return -1;
  let before = comma - 1;
  while (isJsonSpace(body[before])) before--;
  return body[before] === CLOSE_OBJECT ? comma : -1;
}

/**
 * `{"event"` occurrences that may turn out not to be cuts before the body is simply parsed whole.
 * A Rasa tracker has one (its first event, after `[`); a hostile body could have millions, and
 * looking at each costs more than parsing.
 */
export const MAX_NON_CUTS = 256;

interface Search {
  readonly body: Buffer;
  nonCutsLeft: number;
}

/** The last cut after `from` whose `{"event"` starts at or before `limit`, else the first one after it. */
function nextCut(search: Search, from: number, limit: number): number {
  const { body } = search;
  for (let at = body.lastIndexOf(EVENT_OPEN, limit); at > from; at = body.lastIndexOf(EVENT_OPEN, at - 1)) {
    const cut = cutBefore(body, at);
    if (cut > from) return cut;
    if (--search.nonCutsLeft < 0) return -1;
  }
  // One event longer than a run: take the next cut after it, so only that run is large.
  for (let at = body.indexOf(EVENT_OPEN, limit + 1); at !== -1; at = body.indexOf(EVENT_OPEN, at + 1)) {
    const cut = cutBefore(body, at);
    if (cut > from) return cut;
    if (--search.nonCutsLeft < 0) return -1;
  }
  return -1;
}

/** Offsets of the commas the body is cut at; none when it cannot be cut (exported for tests). */
export function findCuts(body: Buffer): number[] {
  const search: Search = { body, nonCutsLeft: MAX_NON_CUTS };
  const cuts: number[] = [];
  let cut = nextCut(search, 0, EDGE_BYTES);
  while (cut !== -1) {
    cuts.push(cut);
    if (body.length - cut <= EDGE_BYTES) break;
    cut = nextCut(search, cut, cut + RUN_BYTES);
  }
  return search.nonCutsLeft < 0 ? [] : cuts;
}

/** The parsed body, or undefined when the cuts do not fall inside `tracker.events` (parse whole instead). */
function parseAtCuts(body: Buffer, cuts: number[]): unknown {
  const last = cuts.length - 1;
  let outer: unknown;
  const runs: unknown[] = [];
  try {
    outer = JSON.parse(body.toString('utf8', 0, cuts[0]) + ',' + MARKER_JSON + body.toString('utf8', cuts[last]));
    for (let i = 0; i < last; i++) runs.push(parseRun(body, cuts[i]!, cuts[i + 1]!));
  } catch {
    return undefined;
  }
  const tracker = (outer as { tracker?: unknown } | null)?.tracker;
  const events = (tracker as { events?: unknown } | null | undefined)?.events;
  if (!Array.isArray(events)) return undefined;
  const at = events.indexOf(MARKER);
  if (at === -1) return undefined;
  const spliced: unknown[] = events.slice(0, at);
  for (const run of runs) {
    if (!Array.isArray(run)) return undefined;
    for (let i = 0; i < run.length; i++) spliced.push(run[i]);
  }
  for (let i = at + 1; i < events.length; i++) spliced.push(events[i]);
  (tracker as { events: unknown[] }).events = spliced;
  return outer;
}

/** The values between two cuts, parsed as one array: the cut commas stand in for its brackets. */
function parseRun(body: Buffer, start: number, end: number): unknown {
  body[start] = OPEN_ARRAY;
  body[end] = CLOSE_ARRAY;
  let text: string;
  try {
    text = body.toString('utf8', start, end + 1);
  } finally {
    body[start] = COMMA;
    body[end] = COMMA;
  }
  return JSON.parse(text);
}
