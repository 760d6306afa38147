/**
 * google.protobuf.Struct read from its wire bytes straight into plain JSON, and written back from
 * JSON, with no protobufjs message objects in between. Decoding a 1000-event tracker into
 * protobufjs messages and then `toObject` copies made every Value three objects and cost several
 * times JSON.parse; here each Value becomes its JSON value in one pass.
 *
 * What is accepted and refused follows protobufjs' decoder (the one @grpc/proto-loader uses):
 * - nesting past 100 messages throws "maximum nesting depth exceeded" (protoc's limit too);
 * - reading past the end throws RangeError "index out of range";
 * - wire types 4, 6, 7 where a field starts throw "invalid wire type";
 * - unknown fields are skipped; a Value with several members set reads as the last member in the
 *   .proto's order (what `toObject` with `oneofs` picks); a map entry's repeated key or value
 *   keeps the last one; a "__proto__" key is dropped (it never reached the JSON before either).
 * Where protobufjs misread or crashed on malformed bytes, this follows protoc: a known field with
 * another wire type is skipped as unknown, a string running past its message's end is refused
 * (protobufjs cut it short), and a map entry without a value reads as null (an unset Value, as
 * MessageToDict reads it; `toObject` threw on it).
 *
 * JSON_MAX_DEPTH is not checked here, since a Struct's depth depends on where it sits in the
 * request: a WireStruct records how many levels of objects and arrays it spans, and StructReader
 * checks that once it knows the Struct's place.
 */
/** A decoded Struct; struct.ts, which builds on this file, re-exports it. */
export type JsonObject = Record<string, unknown>;

/** protoc's CodedInputStream::default_recursion_limit_, which protobufjs applies too. */
export const MAX_MESSAGE_DEPTH = 100;

/** A decoded Struct: its JSON and how many levels of objects and arrays it spans (1 for a flat one). */
export class WireStruct {
  constructor(
    readonly json: JsonObject,
    readonly levels: number,
  ) {}
}

/** The little of protobufjs' Reader this file reads: the buffer, the position, the current end. */
export interface WireCursor {
  buf: Uint8Array;
  pos: number;
  len: number;
}

const outOfRange = () => new RangeError('index out of range');

const KEY_SLOTS = 1024;
const keyTable: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS);

/** Strings up to this many bytes are tried as ASCII first. */
const SHORT_STRING = 24;
/** Buffer's own UTF-8 slice (what protobufjs calls too), without toString's argument handling. */
const nativeSlice = (Buffer.prototype as unknown as { utf8Slice?: (start: number, end: number) => string }).utf8Slice;
const utf8Slice = (buf: Buffer, start: number, end: number): string => (nativeSlice ? nativeSlice.call(buf, start, end) : buf.toString('utf8', start, end));
const tooDeep = () => new Error('maximum nesting depth exceeded');

class Decoder {
  /** Levels spanned by the last value read (0 for a scalar). */
  levels = 0;
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  /** A varint as protobufjs' uint32: the low 32 bits, the rest of up to 10 bytes skipped. */
  uint32(end: number): number {
    const buf = this.buf;
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= end) throw outOfRange();
      const b = buf[this.pos++]!;
      value += shift < 28 ? (b & 127) << shift : (b & 15) * 2 ** 28;
      if (b < 128) return value >>> 0;
    }
    for (let i = 0; i < 5; i++) {
      if (this.pos >= end) throw outOfRange();
      if (buf[this.pos++]! < 128) return value >>> 0;
    }
    throw new Error('invalid varint encoding');
  }

  /** The end of a length-delimited field starting here. */
  delimited(end: number): number {
    const length = this.uint32(end);
    const stop = this.pos + length;
    if (stop > end) throw outOfRange();
    return stop;
  }

  string(end: number): string {
    const stop = this.delimited(end);
    const start = this.pos;
    this.pos = stop;
    return this.stringAt(start, stop);
  }

  stringAt(start: number, stop: number): string {
    // Keys and most values are short ASCII: built here, they skip Buffer#toString's dispatch.
    if (stop - start <= SHORT_STRING) {
      const buf = this.buf;
      let s = '';
      let i = start;
      for (; i < stop; i++) {
        const b = buf[i]!;
        if (b > 127) break;
        s += String.fromCharCode(b);
      }
      if (i === stop) return s;
    }
    return utf8Slice(this.buf, start, stop);
  }

  /**
   * A map key. Events repeat the same few keys thousands of times: short ASCII ones are kept in a
   * small table and reused, sparing a new string (and its interning as a property name) per use.
   */
  key(end: number): string {
    const stop = this.delimited(end);
    const start = this.pos;
    const length = stop - start;
    if (length === 0 || length > SHORT_STRING) {
      this.pos = stop;
      return this.stringAt(start, stop);
    }
    const buf = this.buf;
    let hash = length;
    for (let i = start; i < stop; i++) hash = (Math.imul(hash, 31) + buf[i]!) | 0;
    const slot = hash & (KEY_SLOTS - 1);
    const cached = keyTable[slot];
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (cached.charCodeAt(i) !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.pos = stop;
        return cached;
      }
    }
    const key = this.stringAt(start, stop);
    this.pos = stop;
    // Kept only when it has as many UTF-16 units as bytes: then it is ASCII (or holds U+FFFD for a
    // stray byte, which no byte equals), so comparing char codes to bytes, as above, is exact.
    if (key.length === length) keyTable[slot] = key;
    return key;
  }

  skip(wireType: number, end: number, depth: number): void {
    switch (wireType) {
      case 0:
        this.uint32(end);
        return;
      case 1:
        if ((this.pos += 8) > end) throw outOfRange();
        return;
      case 2:
        this.pos = this.delimited(end);
        return;
      case 3: {
        if (depth > MAX_MESSAGE_DEPTH) throw tooDeep();
        for (;;) {
          const wt = this.uint32(end) & 7;
          if (wt === 4) return;
          this.skip(wt, end, depth + 1);
        }
      }
      case 5:
        if ((this.pos += 4) > end) throw outOfRange();
        return;
      default:
        throw new Error(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }

  /** A Struct message (protobuf nesting level `depth`) ending at `end`. */
  struct(end: number, depth: number): JsonObject {
    if (depth > MAX_MESSAGE_DEPTH) throw tooDeep();
    const out: JsonObject = {};
    let levels = 0;
    while (this.pos < end) {
      const tag = this.uint32(end);
      if (tag !== 10) {
        this.skip(tag & 7, end, depth);
        continue;
      }
      // A `fields` map entry: key = 1, value = 2.
      const stop = this.delimited(end);
      let key = '';
      let value: unknown = null;
      let valueLevels = 0;
      while (this.pos < stop) {
        const t = this.uint32(stop);
        if (t === 10) key = this.key(stop);
        else if (t === 18) {
          value = this.value(this.delimited(stop), depth + 1);
          valueLevels = this.levels;
        } else this.skip(t & 7, stop, depth);
      }
      if (key === '__proto__') continue;
      out[key] = value;
      if (valueLevels > levels) levels = valueLevels;
    }
    this.levels = levels + 1;
    return out;
  }

  /** A Value message ending at `end`: its JSON value; `this.levels` says how deep it is. */
  value(end: number, depth: number): unknown {
    if (depth > MAX_MESSAGE_DEPTH) throw tooDeep();
    let kind = 0;
    let value: unknown = null;
    let levels = 0;
    while (this.pos < end) {
      const tag = this.uint32(end);
      const field = tag >>> 3;
      const wireType = tag & 7;
      let read: unknown;
      let readLevels = 0;
      if (field === 1 && wireType === 0) {
        this.uint32(end);
        read = null;
      } else if (field === 2 && wireType === 1) {
        if (this.pos + 8 > end) throw outOfRange();
        read = this.buf.readDoubleLE(this.pos);
        this.pos += 8;
      } else if (field === 3 && wireType === 2) {
        read = this.string(end);
      } else if (field === 4 && wireType === 0) {
        read = this.uint32(end) !== 0;
      } else if (field === 5 && wireType === 2) {
        read = this.struct(this.delimited(end), depth + 1);
        readLevels = this.levels;
      } else if (field === 6 && wireType === 2) {
        read = this.list(this.delimited(end), depth + 1);
        readLevels = this.levels;
      } else {
        this.skip(wireType, end, depth);
        continue;
      }
      if (field >= kind) {
        kind = field;
        value = read;
        levels = readLevels;
      }
    }
    this.levels = levels;
    return value;
  }

  /** A ListValue message ending at `end`. */
  list(end: number, depth: number): unknown[] {
    if (depth > MAX_MESSAGE_DEPTH) throw tooDeep();
    const out: unknown[] = [];
    let levels = 0;
    while (this.pos < end) {
      const tag = this.uint32(end);
      if (tag !== 10) {
        this.skip(tag & 7, end, depth);
        continue;
      }
      out.push(this.value(this.delimited(end), depth + 1));
      if (this.levels > levels) levels = this.levels;
    }
    this.levels = levels + 1;
    return out;
  }
}

const asBuffer = (buf: Uint8Array): Buffer => (Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));

/**
 * The Struct of `length` bytes at the cursor, at protobuf nesting level `depth`; the cursor moves
 * past it. Called where protobufjs' decoder would decode a Struct message.
 */
export function readStruct(cursor: WireCursor, length: number, depth: number): WireStruct {
  if (depth > MAX_MESSAGE_DEPTH) throw tooDeep();
  const end = cursor.pos + length;
  if (end > cursor.len) throw outOfRange();
  const decoder = new Decoder(asBuffer(cursor.buf), cursor.pos);
  const json = decoder.struct(end, depth);
  cursor.pos = end;
  return new WireStruct(json, decoder.levels);
}

/** A whole buffer holding one Struct message, as JSON (for tests and tools). */
export function decodeStruct(bytes: Uint8Array): WireStruct {
  return readStruct({ buf: bytes, pos: 0, len: bytes.length }, bytes.length, 0);
}

/** The part of protobufjs' Writer the encoder uses. */
export interface WireWriter {
  uint32(value: number): WireWriter;
  int32(value: number): WireWriter;
  double(value: number): WireWriter;
  bool(value: boolean): WireWriter;
  string(value: string): WireWriter;
  fork(): WireWriter;
  ldelim(): WireWriter;
}

const skipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * A JSON value's Value fields, as toProtoValue builds them and protobufjs writes them (byte for
 * byte): undefined members and functions left out, non-finite numbers null, `toJSON` honoured.
 */
function writeValue(w: WireWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.uint32(26).string(value);
      return;
    case 'number':
      if (Number.isFinite(value)) w.uint32(17).double(value);
      else w.uint32(8).int32(0);
      return;
    case 'boolean':
      w.uint32(32).bool(value);
      return;
    case 'bigint':
      w.uint32(17).double(Number(value));
      return;
    case 'object': {
      if (value === null) break;
      const json = (value as { toJSON?: unknown }).toJSON;
      if (typeof json === 'function') {
        writeValue(w, (json as () => unknown).call(value));
        return;
      }
      if (Array.isArray(value)) {
        w.uint32(50).fork();
        for (const item of value as unknown[]) {
          w.uint32(10).fork();
          if (skipped(item)) w.uint32(8).int32(0);
          else writeValue(w, item);
          w.ldelim();
        }
        w.ldelim();
        return;
      }
      w.uint32(42).fork();
      writeStructFields(w, value as JsonObject);
      w.ldelim();
      return;
    }
    default:
      break;
  }
  w.uint32(8).int32(0);
}

/** An object's members as a Struct's `fields` entries (the Struct's own bytes, no tag or length). */
export function writeStructFields(w: WireWriter, obj: JsonObject): void {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (skipped(v)) continue;
    w.uint32(10).fork().uint32(10).string(key).uint32(18).fork();
    writeValue(w, v);
    w.ldelim().ldelim();
  }
}
