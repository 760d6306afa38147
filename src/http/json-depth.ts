/**
 * Nesting depth of a JSON text, measured on its raw bytes before it is parsed.
 *
 * Why before: V8's JSON.parse accepts any depth but pays dearly for it. A 2 MB body of a million
 * nested arrays takes ~0.8 s to parse (the same bytes as flat data take milliseconds), and the
 * server was frozen for seconds before it could answer 400. What runs on a parsed value (zod, the
 * tracker walk, the adapters' mappers) also recurses. Refusing such a body before JSON.parse
 * costs one pass over its bytes, allocates nothing, and stops at the first level past the limit.
 *
 * How: bracket bytes outside strings are counted; string contents are skipped, a backslash
 * skipping the byte after it. UTF-8 continuation bytes are never ASCII, so a byte scan cannot
 * misread them. For a well-formed body the count is the exact depth; for a malformed one it
 * means little, but JSON.parse refuses that body anyway.
 */

/** Deep enough for any real tracker or webhook payload, shallow enough for every recursive consumer. */
export const DEFAULT_JSON_MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * True when `json` opens more than `maxDepth` arrays/objects inside one another.
 *
 * It runs on the hot path, so its shape is measured (bench/json-depth.js): the string loop,
 * where most of a tracker's bytes go by, takes two bytes per round, and it stays inline (as a
 * helper function it ran at half the speed).
 */
export function exceedsJsonDepth(json: Uint8Array, maxDepth: number): boolean {
  const n = json.length;
  // Each level needs at least one byte: a body this short cannot be too deep.
  if (n <= maxDepth) return false;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = json[i++]!;
    if (c === QUOTE) {
      for (;;) {
        if (i >= n) return false;
        const a = json[i++]!;
        if (a === QUOTE) break;
        if (a === BACKSLASH) {
          i++;
          continue;
        }
        if (i >= n) return false;
        const b = json[i++]!;
        if (b === QUOTE) break;
        if (b === BACKSLASH) i++;
      }
    } else if (c >= OPEN_ARRAY) {
      // The four brackets sort at or above `[`; digits, `,`, `:` and whitespace below it.
      if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        if (++depth > maxDepth) return true;
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        depth--;
      }
    }
  }
  return false;
}

/**
 * The same limit on a parsed value, for small /webhook bodies (see SCAN_BEFORE_PARSE_BYTES in
 * src/channels/rasa/webhook.ts): visiting only the arrays and objects costs about a quarter of
 * scanning the bytes. The walk never recurses past the limit.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  return typeof value === 'object' && value !== null && containerTooDeep(value, maxDepth - 1);
}

function containerTooDeep(container: object, levelsLeft: number): boolean {
  if (levelsLeft < 0) return true;
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) {
      const item: unknown = container[i];
      if (typeof item === 'object' && item !== null && containerTooDeep(item, levelsLeft - 1)) return true;
    }
    return false;
  }
  const record = container as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'object' && item !== null && containerTooDeep(item, levelsLeft - 1)) return true;
  }
  return false;
}

export function tooDeepMessage(maxDepth: number): string {
  return `The JSON body nests deeper than ${maxDepth} levels.`;
}
