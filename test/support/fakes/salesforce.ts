/**
 * A loopback Salesforce for tests: the OAuth token endpoint (password and client-credentials
 * grants) and the REST routes jsforce uses for Leads, Tasks and SOQL, answering with
 * Salesforce's status codes and `[{message, errorCode, fields}]` error arrays. Tokens can be
 * expired on command to exercise refresh after a 401.
 *
 * Leads can be upserted on an external-id field (`externalIdFields`, as the org defines them),
 * and SOQL may be told to lag behind creates (`queryLagMs`: real SOQL does not, but a test can
 * prove the upsert does not depend on it). SOQL refuses fields the Lead does not have.
 */
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './http';
import { FakeSalesforceSales } from './salesforce-sales';

export interface FakeSalesforceApp {
  clientId: string;
  clientSecret: string;
  username?: string;
  password?: string;
}

/** Lengths of the standard Lead fields we write, as Salesforce's field reference gives them. */
const LEAD_LENGTHS: Record<string, number> = { FirstName: 40, LastName: 80, Company: 255, Email: 80, Title: 128, LeadSource: 40, Description: 32_000 };

/** Salesforce counts characters as JavaScript does, and refuses text that is not well-formed. */
function leadFieldProblem(body: Record<string, unknown>): FakeReply | undefined {
  for (const [field, value] of Object.entries(body)) {
    if (typeof value !== 'string') continue;
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
      return sfError(400, 'JSON_PARSER_ERROR', `Invalid UTF-16 in ${field}`, [field]);
    }
    const max = LEAD_LENGTHS[field];
    if (max !== undefined && value.length > max) return sfError(400, 'STRING_TOO_LONG', `${field}: data value too large: ${value.slice(0, 20)}... (max length=${max})`, [field]);
  }
  return undefined;
}

const sfError = (status: number, errorCode: string, message: string, fields: string[] = []): FakeReply => ({ status, body: [{ message, errorCode, fields }] });
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export class FakeSalesforce extends FakeHttpServer {
  readonly leads = new Map<string, Record<string, unknown>>();
  readonly tasks = new Map<string, Record<string, unknown>>();
  /** Users, Opportunities (SOQL, aggregates included) and the Lead's custom fields (salesforce-sales.ts). */
  readonly sales = new FakeSalesforceSales();
  /** Custom fields of the Lead marked External ID (and Unique). */
  externalIdFields = ['ActionBridge_Reference__c'];
  /** Set: Lead Source is a restricted picklist with these values (by default it is not restricted). */
  restrictedLeadSources?: string[];
  /** How long a new lead stays invisible to SOQL. */
  queryLagMs = 0;
  private readonly createdAt = new Map<string, number>();
  private readonly validTokens = new Set<string>();
  private tokenSeq = 0;
  private idSeq = 0;

  constructor(
    private readonly app: FakeSalesforceApp = { clientId: 'sf-client', clientSecret: 'sf-secret' },
    /** Tokens accepted from the start (the SALESFORCE_ACCESS_TOKEN mode). */
    initialTokens: string[] = [],
  ) {
    super((req) => this.route(req));
    for (const t of initialTokens) this.validTokens.add(t);
  }

  /** Every token issued so far stops working; the next API call gets a 401. */
  expireTokens(): void {
    this.validTokens.clear();
  }

  get tokenRequests(): RecordedRequest[] {
    return this.received('POST', '/services/oauth2/token');
  }

  private route(req: RecordedRequest): FakeReply {
    if (req.method === 'POST' && req.path === '/services/oauth2/token') return this.token(req.body as Record<string, string> | undefined);
    const api = /^\/services\/data\/v\d+\.\d\/(.*)$/.exec(req.path);
    if (!api) return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.validTokens.has(token)) return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    const rest = api[1]!;
    const sales = this.sales.route(req, rest, this.externalIdFields);
    if (sales) return sales;
    if (req.method === 'GET' && rest === 'query') return this.query(req.query.q ?? '');
    if (req.method === 'POST' && rest === 'sobjects/Lead') return this.createLead(req.body as Record<string, unknown>);
    const upsert = /^sobjects\/Lead\/([^/]+)\/([^/]+)$/.exec(rest);
    if (req.method === 'PATCH' && upsert) return this.upsertLead(upsert[1]!, decodeURIComponent(upsert[2]!), req.body as Record<string, unknown>);
    const lead = /^sobjects\/Lead\/([^/]+)$/.exec(rest);
    if (req.method === 'PATCH' && lead) {
      const rec = this.leads.get(lead[1]!);
      if (!rec) return sfError(404, 'NOT_FOUND', 'Provided external ID field does not exist or is not accessible');
      const problem = leadFieldProblem(req.body as Record<string, unknown>);
      if (problem) return problem;
      Object.assign(rec, req.body as Record<string, unknown>);
      return { status: 204 };
    }
    if (req.method === 'POST' && rest === 'sobjects/Task') {
      const body = req.body as Record<string, unknown>;
      if (typeof body.WhoId !== 'string' || !this.leads.has(body.WhoId)) {
        return sfError(400, 'INVALID_CROSS_REFERENCE_KEY', 'Name ID: id value of incorrect type', ['WhoId']);
      }
      // Task.Subject holds 255 characters and Task.Description (Comments) 32,000.
      const malformed = leadFieldProblem({ Subject: body.Subject, Description: body.Description });
      if (malformed) return malformed;
      if (typeof body.Subject === 'string' && body.Subject.length > 255) return sfError(400, 'STRING_TOO_LONG', 'Subject: data value too large', ['Subject']);
      if (typeof body.Description === 'string' && body.Description.length > 32_000) return sfError(400, 'STRING_TOO_LONG', 'Comments: data value too large', ['Description']);
      const id = this.nextId('00T');
      this.tasks.set(id, { Id: id, ...body });
      return { status: 201, body: { id, success: true, errors: [] } };
    }
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  private token(form: Record<string, string> = {}): FakeReply {
    const badClient = form.client_id !== this.app.clientId || form.client_secret !== this.app.clientSecret;
    if (badClient) return { status: 400, body: { error: 'invalid_client_id', error_description: 'client identifier invalid' } };
    if (form.grant_type === 'password') {
      if (form.username !== this.app.username || form.password !== this.app.password) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } };
      }
    } else if (form.grant_type !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
    }
    const accessToken = `00Dfake!AT${++this.tokenSeq}`;
    this.validTokens.add(accessToken);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        instance_url: this.url,
        id: `${this.url}/id/00D000000000001AAA/005000000000001AAA`,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
        signature: 'fake',
        scope: 'api',
      },
    };
  }

  private query(soql: string): FakeReply {
    const m = /FROM Lead WHERE Email = '((?:[^'\\]|\\.)*)'/i.exec(soql);
    if (!m) return sfError(400, 'MALFORMED_QUERY', `unexpected query: ${soql}`);
    const known = new Set(['Id', 'Email', 'FirstName', 'LastName', 'Company', 'IsConverted', 'LeadSource', 'Description', 'CreatedDate', ...this.externalIdFields]);
    const selected = /^SELECT (.+?) FROM/i.exec(soql)?.[1]?.split(',').map((f) => f.trim()) ?? [];
    const unknown = selected.find((f) => !known.has(f));
    if (unknown) return sfError(400, 'INVALID_FIELD', `No such column '${unknown}' on entity 'Lead'.`);
    const email = m[1]!.replace(/\\(.)/g, '$1').toLowerCase();
    const visible = (l: Record<string, unknown>) => Date.now() - (this.createdAt.get(String(l.Id)) ?? 0) >= this.queryLagMs;
    const rows = [...this.leads.values()].filter((l) => visible(l) && String(l.Email ?? '').toLowerCase() === email && !l.IsConverted);
    return {
      status: 200,
      body: {
        totalSize: rows.length,
        done: true,
        records: rows.map((l) => ({ attributes: { type: 'Lead', url: `/services/data/v59.0/sobjects/Lead/${String(l.Id)}` }, ...l })),
      },
    };
  }

  /** PATCH sobjects/Lead/<field>/<value>: updates the one lead with that value, or creates it. */
  private upsertLead(field: string, value: string, body: Record<string, unknown>): FakeReply {
    if (!this.externalIdFields.includes(field)) return sfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${field}`);
    const matches = [...this.leads.values()].filter((l) => l[field] === value);
    if (matches.length > 1) return { status: 300, body: matches.map((l) => `/services/data/v59.0/sobjects/Lead/${String(l.Id)}`) };
    const existing = matches[0];
    if (existing) {
      const problem = leadFieldProblem(body);
      if (problem) return problem;
      Object.assign(existing, body);
      return { status: 200, body: { id: existing.Id, success: true, errors: [], created: false } };
    }
    const made = this.createLead({ ...body, [field]: value });
    if (made.status !== 201) return made;
    return { status: 201, body: { ...(made.body as Record<string, unknown>), created: true } };
  }

  private createLead(body: Record<string, unknown>): FakeReply {
    if (!body.LastName) return sfError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName']);
    if (!body.Company) return sfError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Company]', ['Company']);
    const problem = leadFieldProblem(body);
    if (problem) return problem;
    if (this.restrictedLeadSources && typeof body.LeadSource === 'string' && !this.restrictedLeadSources.includes(body.LeadSource)) {
      return sfError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Lead Source: bad value for restricted picklist field: ${body.LeadSource}`, ['LeadSource']);
    }
    if (typeof body.Email === 'string' && !EMAIL.test(body.Email)) return sfError(400, 'INVALID_EMAIL_ADDRESS', `Email: invalid email address: ${body.Email}`, ['Email']);
    const id = this.nextId('00Q');
    this.leads.set(id, { Id: id, ...body });
    this.createdAt.set(id, Date.now());
    return { status: 201, body: { id, success: true, errors: [] } };
  }

  private nextId(prefix: string): string {
    return `${prefix}${String(++this.idSeq).padStart(12, '0')}AAA`;
  }
}
