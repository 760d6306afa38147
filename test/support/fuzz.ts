/**
 * Hostile request bodies for the fuzz tests of the inbound routes: random JSON, wrong types,
 * prototype-pollution keys, huge strings, invalid UTF-8, deep nesting, gzip bombs, random bytes
 * and lying content types, each built around one valid body of the route under test. Seeded
 * (mulberry32), so a failure names the seed and case that reproduce it.
 */
import zlib from 'node:zlib';

export type Random = () => number;

/** mulberry32, the benchmark's seeded generator (bench/generate.js): tiny and deterministic. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const prng = (require('../../bench/generate') as { prng: (seed: number) => Random }).prng;

export const pick = <T>(rnd: Random, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

let bombBody: Buffer | undefined;
/** 64 MB of spaces, ~64 kB gzipped; built once. */
export const gzipBomb = (): Buffer => (bombBody ??= zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)));

/** A random JSON value, at most 4 levels deep, whose object keys come from `keys`. */
export function randomValue(rnd: Random, keys: readonly string[], depth = 0): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.3) return pick(rnd, [null, true, 0, -1, 1e308, 'x', '', '\u0000', '\ud800', 'é'.repeat(50)]);
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, keys, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(rnd, keys), randomValue(rnd, keys, depth + 1)]));
}

export interface FuzzCase {
  body: Buffer;
  headers: Record<string, string>;
}

/** What the generator needs to know about one route. */
export interface FuzzTarget {
  /** A valid body of the route (a fresh one per call is fine). */
  valid(): Record<string, unknown>;
  /** Keys random objects are made of: the route's own field names plus pollution keys. */
  keys: readonly string[];
  /** Top-level fields that get a wrongly typed value. */
  fields: readonly string[];
  /** A body with `__proto__` / `constructor.prototype` where the route reads its fields. */
  pollution: string;
  /** The string field that gets 200-300 kB. */
  hugeField: string;
  /** Text before and after invalid UTF-8 bytes placed inside a string value. */
  invalidUtf8: [string, string];
  /** More kinds of case, for what only this route has (they come after the shared nine). */
  extra?: readonly ((rnd: Random) => FuzzCase)[];
}

const JSON_CT = { 'Content-Type': 'application/json' };
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

export function hostileBody(rnd: Random, target: FuzzTarget): FuzzCase {
  const valid = target.valid();
  const extra = target.extra ?? [];
  const kind = Math.floor(rnd() * (9 + extra.length));
  switch (kind) {
    case 0:
      return { body: json(randomValue(rnd, target.keys)), headers: JSON_CT };
    case 1: // valid shape, wrong types in one field
      return { body: json({ ...valid, [pick(rnd, target.fields)]: randomValue(rnd, target.keys, 2) }), headers: JSON_CT };
    case 2: // prototype pollution
      return { body: Buffer.from(target.pollution), headers: JSON_CT };
    case 3: // huge string
      return { body: json({ ...valid, [target.hugeField]: 'A'.repeat(200_000 + Math.floor(rnd() * 100_000)) }), headers: JSON_CT };
    case 4: // invalid UTF-8 bytes inside a string
      return { body: Buffer.concat([Buffer.from(target.invalidUtf8[0]), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(target.invalidUtf8[1])]), headers: JSON_CT };
    case 5: // deep nesting
      return { body: Buffer.from('['.repeat(5_000 + Math.floor(rnd() * 50_000)) + ']'.repeat(10)), headers: JSON_CT };
    case 6: // gzip bomb: small on the wire, large when inflated
      return { body: gzipBomb(), headers: { ...JSON_CT, 'Content-Encoding': 'gzip' } };
    case 7: // truncated / random bytes
      return { body: Buffer.from(Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256))), headers: JSON_CT };
    case 8: // a lying or odd content type / encoding
      return {
        body: json(valid).subarray(0, Math.floor(rnd() * 200)),
        headers: { 'Content-Type': pick(rnd, ['text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded']), 'Content-Encoding': pick(rnd, ['identity', 'br', 'deflate', 'x-nope']) },
      };
    default:
      return extra[kind - 9]!(rnd);
  }
}

/**
 * `value` (a deep copy) with the value at one random path replaced by a random one: the shape
 * stays valid around the one wrong field, so the route's own reading code is what gets tested.
 */
export function mutateAtRandomPath(rnd: Random, value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(value);
  let node: Record<string, unknown> | unknown[] = copy;
  for (let level = 0; level < 6; level++) {
    const slots: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (slots.length === 0) break;
    const slot = pick(rnd, slots);
    const child: unknown = (node as Record<string | number, unknown>)[slot];
    // Go deeper while there is something to go into, and now and then stop early.
    if (typeof child === 'object' && child !== null && rnd() < 0.75) {
      node = child as Record<string, unknown> | unknown[];
      continue;
    }
    (node as Record<string | number, unknown>)[slot] = randomValue(rnd, keys, 1);
    break;
  }
  return copy;
}
