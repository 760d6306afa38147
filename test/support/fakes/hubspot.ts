/**
 * A loopback HubSpot for tests: CRM v3 contacts (read by id or by `idProperty=email`, search,
 * create, update) and notes, with the exact success statuses the SDK insists on (201 create, 200
 * otherwise) and HubSpot's `{status, message, correlationId, category}` errors. Emails are unique
 * (a second create is a 409 naming the contact). Like HubSpot's, the search index can lag behind
 * writes (`searchLagMs`); reads by id or email do not.
 */
import { randomUUID } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './http';
import { FakeHubspotSales } from './hubspot-sales';

interface HsRecord {
  id: string;
  createdAtMs: number;
  properties: Record<string, string>;
  associations?: unknown;
  createdAt: string;
  updatedAt: string;
}

const error = (status: number, category: string, message: string, extra: Record<string, unknown> = {}): FakeReply => ({
  status,
  body: { status: 'error', message, correlationId: randomUUID(), category, ...extra },
});

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** HubSpot's limit on a single-line or multi-line text property value. */
const PROPERTY_MAX = 65_536;

/** What HubSpot refuses in any property value: text over its limit, or not well-formed. */
function propertyProblem(props: Record<string, string>): FakeReply | undefined {
  for (const [name, value] of Object.entries(props)) {
    if (typeof value !== 'string') continue;
    if (LONE_SURROGATE.test(value)) return error(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: invalid UTF-16 in ${name}`);
    if (value.length > PROPERTY_MAX) return error(400, 'VALIDATION_ERROR', `Property values were not valid: ${name} is longer than ${PROPERTY_MAX} characters`);
  }
  return undefined;
}

export class FakeHubspot extends FakeHttpServer {
  readonly contacts = new Map<string, HsRecord>();
  readonly notes = new Map<string, HsRecord>();
  /** Owners, deal pipelines, the deals search and contact-property checks (hubspot-sales.ts). */
  readonly sales = new FakeHubspotSales();
  private seq = 100;
  /** How long a new contact stays out of search results. */
  searchLagMs = 0;
  /** Workflow ids that exist (legacy Workflows API v2: contact-based workflows, integer ids). */
  readonly workflows = new Set<string>();
  /** Every enrolment accepted, in order (a contact enrolled twice is listed twice). */
  readonly enrollments: { workflowId: string; email: string }[] = [];

  constructor(private readonly token = 'hubspot-token') {
    super((req) => this.route(req));
  }

  private route(req: RecordedRequest): FakeReply {
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    }
    const sales = this.sales.route(req, this.contacts);
    if (sales) return sales;
    const body = (req.body ?? {}) as { properties?: Record<string, string>; filterGroups?: { filters?: { propertyName: string; value?: string }[] }[]; associations?: unknown };
    if (req.method === 'POST' && req.path === '/crm/v3/objects/contacts/search') {
      const filters = body.filterGroups?.[0]?.filters ?? [];
      const hits = [...this.contacts.values()].filter((c) => Date.now() - c.createdAtMs >= this.searchLagMs && filters.every((f) => (c.properties[f.propertyName] ?? '').toLowerCase() === (f.value ?? '').toLowerCase()));
      return { status: 200, body: { total: hits.length, results: hits.map(view) } };
    }
    if (req.method === 'POST' && req.path === '/crm/v3/objects/contacts') {
      const props = body.properties ?? {};
      const problem = propertyProblem(props);
      if (problem) return problem;
      if (props.email !== undefined && !EMAIL.test(props.email)) {
        return error(400, 'VALIDATION_ERROR', `Property values were not valid: [{"isValid":false,"message":"Email address ${props.email} is invalid","error":"INVALID_EMAIL","name":"email"}]`, {
          errors: [{ message: `Email address ${props.email} is invalid`, code: 'INVALID_EMAIL', context: { propertyName: ['email'] } }],
        });
      }
      const dup = [...this.contacts.values()].find((c) => props.email && c.properties.email?.toLowerCase() === props.email.toLowerCase());
      if (dup) return error(409, 'CONFLICT', `Contact already exists. Existing ID: ${dup.id}`);
      const rec = this.store(this.contacts, props, body.associations);
      return { status: 201, body: view(rec) };
    }
    const contact = /^\/crm\/v3\/objects\/contacts\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && contact) {
      const id = decodeURIComponent(contact[1]!);
      const idProperty = req.query.idProperty;
      if (idProperty !== undefined && idProperty !== 'email' && idProperty !== 'hs_object_id') {
        return error(400, 'VALIDATION_ERROR', `${idProperty} is not a unique identifier property for contacts`);
      }
      const rec = idProperty === 'email' ? [...this.contacts.values()].find((c) => c.properties.email?.toLowerCase() === id.toLowerCase()) : this.contacts.get(id);
      if (!rec) return error(404, 'OBJECT_NOT_FOUND', 'resource not found');
      return { status: 200, body: view(rec) };
    }
    if (req.method === 'PATCH' && contact) {
      const rec = this.contacts.get(contact[1]!);
      if (!rec) return error(404, 'OBJECT_NOT_FOUND', 'resource not found');
      Object.assign(rec.properties, body.properties ?? {});
      rec.updatedAt = new Date().toISOString();
      return { status: 200, body: view(rec) };
    }
    if (req.method === 'POST' && req.path === '/crm/v3/objects/notes') {
      const props = body.properties ?? {};
      const problem = propertyProblem(props);
      if (problem) return problem;
      // As documented: hs_timestamp is required, the body holds at most 65,536 characters, and
      // an association must point at a record that exists.
      if (!props.hs_timestamp) return error(400, 'VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required');
      if ((props.hs_note_body ?? '').length > 65_536) return error(400, 'VALIDATION_ERROR', 'Property values were not valid: hs_note_body is longer than 65536 characters');
      const targets = Array.isArray(body.associations) ? body.associations.map((a: { to?: { id?: unknown } }) => String(a.to?.id)) : [];
      if (targets.some((id) => !this.contacts.has(id))) return error(400, 'VALIDATION_ERROR', 'One or more associations are invalid');
      const rec = this.store(this.notes, props, body.associations);
      return { status: 201, body: view(rec) };
    }
    const enrol = /^\/automation\/v2\/workflows\/([^/]+)\/enrollments\/contacts\/([^/]+)$/.exec(req.path);
    if (req.method === 'POST' && enrol) return this.enrol(decodeURIComponent(enrol[1]!), decodeURIComponent(enrol[2]!));
    return error(404, 'OBJECT_NOT_FOUND', `No route ${req.method} ${req.path}`);
  }

  /** As the legacy API: the id is an integer, the workflow and the contact must exist, success is a 204 without a body. */
  private enrol(workflowId: string, email: string): FakeReply {
    if (!/^\d+$/.test(workflowId)) return error(400, 'VALIDATION_ERROR', `Invalid workflow id ${workflowId}`);
    if (!this.workflows.has(workflowId)) return error(404, 'OBJECT_NOT_FOUND', `Workflow ${workflowId} not found`);
    if (![...this.contacts.values()].some((c) => c.properties.email?.toLowerCase() === email.toLowerCase())) return error(404, 'OBJECT_NOT_FOUND', 'Contact not found');
    this.enrollments.push({ workflowId, email });
    return { status: 204 };
  }

  private store(into: Map<string, HsRecord>, properties: Record<string, string>, associations: unknown): HsRecord {
    const now = new Date().toISOString();
    const rec: HsRecord = { id: String(++this.seq), createdAtMs: Date.now(), properties: { ...properties }, associations, createdAt: now, updatedAt: now };
    into.set(rec.id, rec);
    return rec;
  }
}

function view(rec: HsRecord) {
  return { id: rec.id, properties: rec.properties, createdAt: rec.createdAt, updatedAt: rec.updatedAt, archived: false };
}
