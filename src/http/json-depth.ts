/**
 * Nesting depth of a JSON text, measured on its raw bytes before it is parsed.
 *
 * V8's JSON.parse copes with any depth, but what runs on the result afterwards (zod, the
 * tracker walk, the adapters' mappers) recurses, and a 100k-deep `[[[...]]]` of 200 kB would
 * overflow the stack there or cost seconds. Refusing it before parsing costs nothing to
 * allocate. One pass, no allocation: bracket bytes outside strings are counted, string contents
 * are skipped (a backslash skips the byte after it), and the scan stops at the first level past
 * the limit. UTF-8 continuation bytes are never ASCII, so a byte scan cannot misread them.
 *
 * For malformed JSON the count means little, but JSON.parse rejects that body anyway; for a
 * well-formed one it is the exact depth.
 */

/** Deep enough for any real tracker or webhook payload, shallow enough for every recursive consumer. */
export const DEFAULT_JSON_MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** True when `json` opens more than `maxDepth` arrays/objects inside one another. */
export function exceedsJsonDepth(json: Uint8Array, maxDepth: number): boolean {
  const n = json.length;
  // Each level needs at least one byte: a body this short cannot be too deep.
  if (n <= maxDepth) return false;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = json[i]!;
    if (c === QUOTE) {
      for (i++; i < n; i++) {
        const s = json[i]!;
        if (s === QUOTE) break;
        if (s === BACKSLASH) i++;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/**
 * The same limit on a parsed value, for the /webhook hot path: V8's JSON.parse itself copes with
 * any depth, and walking only the arrays and objects of a parsed 1000-event tracker (~7k of them)
 * costs about a fifth of scanning its 443 KiB of bytes. The walk never recurses past the limit.
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
