/**
 * The sales side of the loopback Salesforce: Users and Opportunities for SOQL (plain and aggregate
 * queries parsed strictly: quoted literals with backslash escapes, unknown fields refused with
 * INVALID_FIELD, ungrouped fields beside aggregates refused as MALFORMED_QUERY, as Salesforce
 * does), and the check that a Lead update names only fields the Lead has (custom ones as the org
 * defines them, Text(255)).
 */
import type { FakeReply, RecordedRequest } from './http';

type Row = Record<string, unknown>;
const sfError = (status: number, errorCode: string, message: string, fields: string[] = []): FakeReply => ({ status, body: [{ message, errorCode, fields }] });

const FIELDS: Record<string, string[]> = {
  User: ['Id', 'Email', 'IsActive', 'Name', 'Username'],
  Opportunity: ['Id', 'Name', 'StageName', 'Amount', 'CloseDate', 'IsClosed', 'IsWon', 'OwnerId', 'Owner.Email'],
};
const STANDARD_LEAD_FIELDS = ['FirstName', 'LastName', 'Email', 'Company', 'LeadSource', 'Description', 'Phone', 'Status', 'Title'];
const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG']);

interface Token {
  kind: 'string' | 'ident' | 'number' | 'punct';
  text: string;
}
interface Item {
  fn?: string;
  field: string;
  alias: string;
}
interface Cond {
  field: string;
  values: unknown[];
}

class Malformed extends Error {}

function tokenize(soql: string): Token[] {
  const re = /\s*(?:'((?:[^'\\]|\\.)*)'|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?)|(!=|[(),=]))/y;
  const out: Token[] = [];
  let at = 0;
  while (at < soql.length) {
    if (/^\s*$/.test(soql.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(soql);
    if (!m) throw new Malformed(`unexpected text at ${at}`);
    if (m[1] !== undefined) out.push({ kind: 'string', text: m[1].replace(/\\(.)/g, '$1') });
    else if (m[2] !== undefined) out.push({ kind: 'ident', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'number', text: m[3] });
    else out.push({ kind: 'punct', text: m[4]! });
    at = re.lastIndex;
  }
  return out;
}

export class FakeSalesforceSales {
  readonly users = new Map<string, Row>();
  readonly opportunities = new Map<string, Row>();
  /** Custom Lead fields the org has (Text, 255 characters). */
  customLeadFields = ['Product_Interest__c', 'Preferred_Contact_Time__c'];
  private seq = 0;

  addUser(email: string, opts: { active?: boolean } = {}): string {
    const id = `005${String(++this.seq).padStart(12, '0')}AAA`;
    this.users.set(id, { Id: id, Email: email, IsActive: opts.active ?? true, Name: email.split('@')[0], Username: `${email}.test` });
    return id;
  }

  addOpportunity(o: { ownerId: string; name: string; stage: string; amount?: number | null; closeDate: string; closed?: boolean }): string {
    const id = `006${String(++this.seq).padStart(12, '0')}AAA`;
    this.opportunities.set(id, { Id: id, Name: o.name, StageName: o.stage, Amount: o.amount ?? null, CloseDate: o.closeDate, IsClosed: o.closed ?? false, OwnerId: o.ownerId });
    return id;
  }

  /** A reply for the requests this side answers, or undefined to leave them to the Lead routes. */
  route(req: RecordedRequest, rest: string, externalIdFields: string[]): FakeReply | undefined {
    if (req.method === 'GET' && rest === 'query' && /\bFROM\s+(User|Opportunity)\b/i.test(req.query.q ?? '')) return this.query(req.query.q ?? '');
    if (req.method === 'PATCH' && /^sobjects\/Lead\/[^/]+$/.test(rest)) return this.checkLeadUpdate(req.body as Row, externalIdFields);
    return undefined;
  }

  private checkLeadUpdate(body: Row, externalIdFields: string[]): FakeReply | undefined {
    const known = new Set([...STANDARD_LEAD_FIELDS, ...externalIdFields, ...this.customLeadFields]);
    for (const [field, value] of Object.entries(body ?? {})) {
      if (!known.has(field)) return sfError(400, 'INVALID_FIELD', `No such column '${field}' on sobject of type Lead`, [field]);
      if (this.customLeadFields.includes(field) && typeof value === 'string' && value.length > 255) return sfError(400, 'STRING_TOO_LONG', `${field}: data value too large`, [field]);
    }
    return undefined;
  }

  private query(soql: string): FakeReply {
    try {
      return { status: 200, body: this.run(tokenize(soql)) };
    } catch (err) {
      if (err instanceof FieldError) return sfError(400, 'INVALID_FIELD', err.message);
      return sfError(400, 'MALFORMED_QUERY', `unexpected query: ${(err as Error).message}`);
    }
  }

  private run(t: Token[]): { totalSize: number; done: true; records: Row[] } {
    let i = 0;
    const peek = () => t[i];
    const word = (w: string) => peek()?.kind === 'ident' && peek()!.text.toUpperCase() === w;
    const expect = (text: string) => {
      if (peek()?.text.toUpperCase() !== text) throw new Malformed(`expected ${text}`);
      i++;
    };
    const ident = () => {
      const tok = t[i++];
      if (tok?.kind !== 'ident') throw new Malformed('expected a name');
      return tok.text;
    };
    expect('SELECT');
    const items: Item[] = [];
    do {
      if (items.length) i++;
      const name = ident();
      let item: Item;
      if (peek()?.text === '(') {
        i++;
        const field = ident();
        expect(')');
        if (!AGGREGATES.has(name.toUpperCase())) throw new Malformed(`unknown function ${name}`);
        item = { fn: name.toUpperCase(), field, alias: `expr${items.filter((x) => x.fn).length}` };
        if (peek()?.kind === 'ident' && !word('FROM')) item.alias = ident();
      } else {
        item = { field: name, alias: name };
      }
      items.push(item);
    } while (peek()?.text === ',');
    expect('FROM');
    const object = ident();
    const fields = FIELDS[object];
    if (!fields) throw new Malformed(`unknown object ${object}`);
    const check = (f: string) => {
      if (!fields.includes(f)) throw new FieldError(`No such column '${f}' on entity '${object}'.`);
      return f;
    };
    for (const it of items) check(it.field);
    const conds: Cond[] = [];
    if (word('WHERE')) {
      i++;
      do {
        if (conds.length) i++;
        const field = check(ident());
        if (peek()?.text === '=') {
          i++;
          conds.push({ field, values: [this.value(t[i++])] });
        } else if (word('IN')) {
          i++;
          expect('(');
          const values: unknown[] = [];
          do {
            if (values.length) i++;
            values.push(this.value(t[i++]));
          } while (peek()?.text === ',');
          expect(')');
          conds.push({ field, values });
        } else {
          throw new Malformed('expected = or IN');
        }
      } while (word('AND'));
    }
    let groupBy: string | undefined;
    if (word('GROUP')) {
      i++;
      expect('BY');
      groupBy = check(ident());
    }
    let limit = Infinity;
    if (word('LIMIT')) {
      i++;
      const n = t[i++];
      if (n?.kind !== 'number') throw new Malformed('expected a number after LIMIT');
      limit = Number(n.text);
    }
    if (i !== t.length) throw new Malformed(`unexpected ${t[i]!.text}`);
    const aggregate = items.some((it) => it.fn);
    if (aggregate && items.some((it) => !it.fn && it.field !== groupBy)) throw new Malformed('Field must be grouped or aggregated');

    const table = object === 'User' ? this.users : this.opportunities;
    const matches = [...table.values()].filter((r) => conds.every((c) => c.values.some((v) => String(this.get(r, c.field)).toLowerCase() === String(v).toLowerCase())));
    let records: Row[];
    if (aggregate) {
      const groups = new Map<string, Row[]>();
      for (const r of matches) {
        const key = groupBy ? String(this.get(r, groupBy)) : '';
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      records = [...groups.values()].map((rows) => {
        const out: Row = { attributes: { type: 'AggregateResult' } };
        for (const it of items) out[it.alias] = it.fn ? aggregateOf(it.fn, rows.map((r) => this.get(r, it.field))) : this.get(rows[0]!, it.field);
        return out;
      });
    } else {
      records = matches.map((r) => Object.fromEntries([['attributes', { type: object }], ...items.map((it) => [it.field, this.get(r, it.field)])]));
    }
    records = records.slice(0, limit);
    return { totalSize: records.length, done: true, records };
  }

  private get(r: Row, field: string): unknown {
    if (field === 'Owner.Email') return this.users.get(String(r.OwnerId))?.Email;
    return r[field];
  }

  private value(tok: Token | undefined): unknown {
    if (!tok) throw new Malformed('expected a value');
    if (tok.kind === 'string') return tok.text;
    if (tok.kind === 'number') return Number(tok.text);
    if (tok.kind === 'ident' && /^(true|false)$/i.test(tok.text)) return tok.text.toLowerCase() === 'true';
    if (tok.kind === 'ident' && /^null$/i.test(tok.text)) return null;
    // An unquoted word where a value belongs is how an injected quote shows up.
    throw new Malformed(`unexpected ${tok.text}`);
  }
}

class FieldError extends Error {}

function aggregateOf(fn: string, values: unknown[]): unknown {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (fn === 'COUNT') return present.length;
  if (present.length === 0) return null;
  if (fn === 'SUM') return present.reduce((a: number, v) => a + Number(v), 0);
  if (fn === 'AVG') return present.reduce((a: number, v) => a + Number(v), 0) / present.length;
  const sorted = [...present].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  if (typeof present[0] === 'number') sorted.sort((a, b) => Number(a) - Number(b));
  return fn === 'MIN' ? sorted[0] : sorted[sorted.length - 1];
}
