/**
 * google.protobuf.Struct and Value, as @grpc/proto-loader decodes them (protobufjs' built-in
 * definition: camelCase members, `kind` naming the one set), to and from plain JSON values.
 * rasa_sdk does the same with MessageToDict/ParseDict; every event, slot map and response crosses
 * here.
 *
 * Reading is bounded by depth (JSON_MAX_DEPTH, as on /webhook): what reads the parsed tracker
 * recurses, so a caller must not be able to nest a Struct a hundred thousand levels deep.
 */
import { AppError } from '../../errors';
import { tooDeepMessage } from '../../http/json-depth';
import { WireStruct, type JsonObject } from './struct-wire';

export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}

export interface ProtoListValue {
  values?: ProtoValue[];
}

export interface ProtoValue {
  kind?: 'nullValue' | 'numberValue' | 'stringValue' | 'boolValue' | 'structValue' | 'listValue';
  nullValue?: string | number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: ProtoListValue;
}

export type { JsonObject };

/** Reads Structs no deeper than `maxDepth` levels of objects and arrays, counted from the request's top. */
export class StructReader {
  constructor(readonly maxDepth: number) {}

  /**
   * A Struct at nesting level `depth` (the request itself is level 1) as a plain object. One
   * already read from the wire (struct-wire.ts) is checked by the levels it spans.
   */
  object(struct: ProtoStruct | WireStruct | null | undefined, depth: number): JsonObject {
    if (struct instanceof WireStruct) {
      if (depth + struct.levels - 1 > this.maxDepth) throw new AppError('validation', tooDeepMessage(this.maxDepth));
      return struct.json;
    }
    if (depth > this.maxDepth) throw new AppError('validation', tooDeepMessage(this.maxDepth));
    const out: JsonObject = {};
    const fields = struct?.fields;
    if (!fields) return out;
    for (const key of Object.keys(fields)) out[key] = this.value(fields[key], depth + 1);
    return out;
  }

  /** A repeated Struct (events, stack) at level `depth` (the list's own level) as an array of objects. */
  objects(list: (ProtoStruct | WireStruct)[] | null | undefined, depth: number): JsonObject[] {
    if (depth > this.maxDepth) throw new AppError('validation', tooDeepMessage(this.maxDepth));
    if (!list) return [];
    const out = new Array<JsonObject>(list.length);
    for (let i = 0; i < list.length; i++) out[i] = this.object(list[i], depth + 1);
    return out;
  }

  /** A Value whose container is at level `depth - 1`. An unset Value reads as null, as MessageToDict's. */
  value(v: ProtoValue | undefined, depth: number): unknown {
    switch (v?.kind) {
      case 'stringValue':
        return v.stringValue ?? '';
      case 'numberValue':
        return v.numberValue ?? 0;
      case 'boolValue':
        return v.boolValue ?? false;
      case 'structValue':
        return this.object(v.structValue, depth);
      case 'listValue': {
        if (depth > this.maxDepth) throw new AppError('validation', tooDeepMessage(this.maxDepth));
        const values = v.listValue?.values ?? [];
        const out = new Array<unknown>(values.length);
        for (let i = 0; i < values.length; i++) out[i] = this.value(values[i], depth + 1);
        return out;
      }
      default:
        return null;
    }
  }
}

/**
 * A JSON value as a Value, the way JSON.stringify would write it: undefined members and
 * functions are left out, a non-finite number is null, `toJSON` is honoured (a Date becomes its
 * ISO string). What the server sends was built by our own code, so it is not depth-checked.
 */
export function toProtoValue(value: unknown): ProtoValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'number':
      return Number.isFinite(value) ? { numberValue: value } : { nullValue: 0 };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { numberValue: Number(value) };
    case 'object': {
      if (value === null) return { nullValue: 0 };
      const json = (value as { toJSON?: unknown }).toJSON;
      if (typeof json === 'function') return toProtoValue((json as () => unknown).call(value));
      if (Array.isArray(value)) return { listValue: { values: value.map((item) => (item === undefined || typeof item === 'function' ? { nullValue: 0 } : toProtoValue(item))) } };
      return { structValue: toProtoStruct(value as JsonObject) };
    }
    default:
      return { nullValue: 0 };
  }
}

/** A plain object as a Struct (members JSON would drop are dropped). */
export function toProtoStruct(obj: JsonObject): ProtoStruct {
  const fields: Record<string, ProtoValue> = {};
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    fields[key] = toProtoValue(v);
  }
  return { fields };
}
