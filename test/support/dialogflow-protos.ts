/**
 * Strict proto3-JSON parsing of webhook responses against Google's own Dialogflow protos, read
 * from the packages that ship them (@google-cloud/dialogflow and -cx, dev dependencies).
 * protobufjs' `fromObject` silently drops what it does not know, but Dialogflow refuses a
 * response with an unknown field ("Cannot find field"), a wrong type or two members of one oneof,
 * so the walk below does that refusing itself.
 */
import path from 'node:path';
import protobuf from 'protobufjs';

const protosOf = (pkg: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'build/protos');

/**
 * Only the Dialogflow files are read: google/api, google/longrunning, google/rpc and google/type
 * carry options, RPC results and request-only types a webhook response never contains, so their
 * imports are skipped and the few types the RPCs and requests name are empty placeholders
 * (google/protobuf comes with protobufjs).
 */
const SKIPPED = /^google\/(api|longrunning|rpc|type)\//;
const PLACEHOLDERS = ['google.longrunning.Operation', 'google.rpc.Status', 'google.type.LatLng'];

function loadRoot(protoRoot: string, file: string): protobuf.Root {
  const root = new protobuf.Root();
  for (const full of PLACEHOLDERS) {
    const at = full.lastIndexOf('.');
    root.define(full.slice(0, at)).add(new protobuf.Type(full.slice(at + 1)));
  }
  root.resolvePath = (_origin, target) => (SKIPPED.test(target) ? null : path.join(protoRoot, target));
  root.loadSync(file, { keepCase: true });
  return root;
}

let cached: { es: protobuf.Type; cx: protobuf.Type } | null = null;
function types(): { es: protobuf.Type; cx: protobuf.Type } {
  if (!cached) {
    cached = {
      es: loadRoot(protosOf('@google-cloud/dialogflow'), 'google/cloud/dialogflow/v2/webhook.proto').lookupType('google.cloud.dialogflow.v2.WebhookResponse'),
      cx: loadRoot(protosOf('@google-cloud/dialogflow-cx'), 'google/cloud/dialogflow/cx/v3/webhook.proto').lookupType('google.cloud.dialogflow.cx.v3.WebhookResponse'),
    };
  }
  return cached;
}

const INT32 = new Set(['int32', 'sint32', 'sfixed32', 'uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** proto3 JSON: integers as numbers or decimal strings, floats as numbers or the special strings. */
function scalarProblem(type: string, v: unknown): string | null {
  if (type === 'string') return typeof v === 'string' ? null : 'expected a string';
  if (type === 'bool') return typeof v === 'boolean' ? null : 'expected true or false';
  if (type === 'bytes') return typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v) ? null : 'expected base64';
  if (type === 'double' || type === 'float') {
    if (typeof v === 'number') return null;
    return typeof v === 'string' && /^(NaN|-?Infinity|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/.test(v) ? null : 'expected a number';
  }
  if (INT32.has(type) || INT64.has(type)) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n)) return 'expected an integer';
    if (type.startsWith('u') || type.startsWith('fixed')) return n < 0 ? 'expected an unsigned integer' : null;
    return INT32.has(type) && (n < -(2 ** 31) || n >= 2 ** 31) ? 'integer out of range' : null;
  }
  return `unknown scalar type ${type}`;
}

/** The well-known types Dialogflow uses, in their special JSON forms. */
function wellKnownProblem(fullName: string, v: unknown): string | null | undefined {
  switch (fullName) {
    case '.google.protobuf.Struct':
      return isObject(v) ? null : 'expected a JSON object (Struct)';
    case '.google.protobuf.Value':
      return v === undefined ? 'expected a JSON value' : null;
    case '.google.protobuf.ListValue':
      return Array.isArray(v) ? null : 'expected an array (ListValue)';
    case '.google.protobuf.Duration':
      return typeof v === 'string' && /^-?\d+(\.\d{1,9})?s$/.test(v) ? null : 'expected a duration like "1.5s"';
    default:
      return undefined;
  }
}

function checkValue(field: protobuf.Field, v: unknown, at: string, out: string[]): void {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Enum) {
    const ok = (typeof v === 'string' && Object.prototype.hasOwnProperty.call(resolved.values, v)) || (typeof v === 'number' && Object.values(resolved.values).includes(v));
    if (!ok) out.push(`${at}: not a value of ${resolved.name}`);
    return;
  }
  if (resolved instanceof protobuf.Type) {
    checkMessage(resolved, v, at, out);
    return;
  }
  const p = scalarProblem(field.type, v);
  if (p) out.push(`${at}: ${p}`);
}

function checkMessage(type: protobuf.Type, v: unknown, at: string, out: string[]): void {
  const wk = wellKnownProblem(type.fullName, v);
  if (wk !== undefined) {
    if (wk) out.push(`${at}: ${wk}`);
    return;
  }
  if (!isObject(v)) {
    out.push(`${at}: expected an object (${type.name})`);
    return;
  }
  type.resolveAll();
  const byJsonName = new Map<string, protobuf.Field>();
  for (const f of type.fieldsArray) {
    byJsonName.set(f.name, f);
    byJsonName.set(protobuf.util.camelCase(f.name), f);
  }
  const setOneofs = new Map<string, string>();
  for (const [key, value] of Object.entries(v)) {
    const field = byJsonName.get(key);
    const here = `${at}.${key}`;
    if (!field) {
      out.push(`${here}: cannot find field in ${type.fullName.slice(1)}`);
      continue;
    }
    // null means "not set" in proto3 JSON (except for a Value, where it is the null value).
    if (value === null && field.resolvedType?.fullName !== '.google.protobuf.Value') continue;
    if (field.partOf) {
      const other = setOneofs.get(field.partOf.name);
      if (other) out.push(`${here}: oneof ${field.partOf.name} already set by ${other}`);
      setOneofs.set(field.partOf.name, key);
    }
    if (field.map) {
      if (!isObject(value)) out.push(`${here}: expected an object (map)`);
      else for (const [k, item] of Object.entries(value)) checkValue(field, item, `${here}[${JSON.stringify(k)}]`, out);
    } else if (field.repeated) {
      if (!Array.isArray(value)) out.push(`${here}: expected an array`);
      else value.forEach((item, i) => checkValue(field, item, `${here}[${i}]`, out));
    } else {
      checkValue(field, value, here, out);
    }
  }
}

/** What Dialogflow's parser would complain about; empty when it accepts the body. */
export function protoProblems(edition: 'es' | 'cx', body: unknown): string[] {
  const out: string[] = [];
  checkMessage(types()[edition], body, '(root)', out);
  return out;
}

/** Fails the test with the parser's complaints when Dialogflow would refuse the body. */
export function expectProtoValid(edition: 'es' | 'cx', body: unknown): void {
  const problems = protoProblems(edition, body);
  if (problems.length > 0) throw new Error(`not a valid ${edition.toUpperCase()} WebhookResponse (proto): ${problems.join('; ')}`);
}
