/**
 * The sales side of the loopback HubSpot: owners (GET /crm/v3/owners?email=), deal pipelines with
 * their stages (isClosed in the stage metadata, as HubSpot's), the deals search as strict as
 * HubSpot's (at most 200 per page, nothing past the 10,000th result, at most 5 filter groups of 6
 * filters, only properties deals have), and contact updates that refuse a property the portal
 * lacks (400 PROPERTY_DOESNT_EXIST) or a value longer than 65,536 characters.
 */
import { randomUUID } from 'node:crypto';
import type { FakeReply, RecordedRequest } from './http';

interface Deal {
  id: string;
  properties: Record<string, string>;
}
export interface FakeStage {
  id: string;
  label: string;
  closed: boolean;
}
export interface FakePipeline {
  id: string;
  label: string;
  stages: FakeStage[];
}
interface Contact {
  id: string;
  properties: Record<string, string>;
  updatedAt: string;
}

const STAMP = '2026-01-05T09:00:00.000Z';
const error = (status: number, category: string, message: string, extra: Record<string, unknown> = {}): FakeReply => ({
  status,
  body: { status: 'error', message, correlationId: randomUUID(), category, ...extra },
});

const DEAL_PROPERTIES = new Set(['dealname', 'dealstage', 'pipeline', 'amount', 'closedate', 'hubspot_owner_id', 'deal_currency_code', 'hs_object_id', 'createdate', 'hs_lastmodifieddate', 'hs_is_closed']);
const CONTACT_PROPERTIES = new Set(['email', 'firstname', 'lastname', 'company', 'lifecyclestage', 'phone', 'jobtitle', 'website']);
const OPERATORS = new Set(['EQ', 'NEQ', 'IN', 'NOT_IN']);

export const DEFAULT_PIPELINE: FakePipeline = {
  id: 'default',
  label: 'Sales Pipeline',
  stages: [
    { id: 'appointmentscheduled', label: 'Appointment Scheduled', closed: false },
    { id: 'qualifiedtobuy', label: 'Qualified To Buy', closed: false },
    { id: 'contractsent', label: 'Contract Sent', closed: false },
    { id: 'closedwon', label: 'Closed Won', closed: true },
    { id: 'closedlost', label: 'Closed Lost', closed: true },
  ],
};

export class FakeHubspotSales {
  readonly owners = new Map<string, { id: string; email: string }>();
  readonly deals = new Map<string, Deal>();
  pipelines: FakePipeline[] = [DEFAULT_PIPELINE];
  /** Custom contact properties the portal has (created in its settings, see docs/connectors.md). */
  customContactProperties = ['product_interest', 'preferred_contact_time'];
  private seq = 5000;

  addOwner(email: string): string {
    const id = String(++this.seq);
    this.owners.set(id, { id, email });
    return id;
  }

  addDeal(d: { ownerId: string; name: string; stage: string; amount?: string; closeDate?: string; currency?: string; pipeline?: string }): string {
    const id = String(++this.seq);
    const properties: Record<string, string> = { dealname: d.name, dealstage: d.stage, pipeline: d.pipeline ?? 'default', hubspot_owner_id: d.ownerId, hs_object_id: id };
    if (d.amount !== undefined) properties.amount = d.amount;
    if (d.closeDate) properties.closedate = d.closeDate;
    if (d.currency) properties.deal_currency_code = d.currency;
    this.deals.set(id, { id, properties });
    return id;
  }

  /** A reply for the requests this side answers, or undefined to leave them to the contact routes. */
  route(req: RecordedRequest, contacts: Map<string, Contact>): FakeReply | undefined {
    if (req.method === 'GET' && /^\/crm\/v3\/owners\/?$/.test(req.path)) return this.listOwners(req.query);
    const pipelines = /^\/crm\/v3\/pipelines\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && pipelines) return this.listPipelines(decodeURIComponent(pipelines[1]!));
    if (req.method === 'POST' && req.path === '/crm/v3/objects/deals/search') return this.search(req.body as SearchBody);
    const contact = /^\/crm\/v3\/objects\/contacts\/([^/]+)$/.exec(req.path);
    if (req.method === 'PATCH' && contact) return this.updateContact(decodeURIComponent(contact[1]!), req, contacts);
    return undefined;
  }

  private listOwners(query: Record<string, string>): FakeReply {
    const limit = Number(query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return error(400, 'VALIDATION_ERROR', 'limit must be between 1 and 500');
    const hits = [...this.owners.values()].filter((o) => query.email === undefined || o.email.toLowerCase() === query.email.toLowerCase());
    return {
      status: 200,
      body: { results: hits.slice(0, limit).map((o) => ({ id: o.id, email: o.email, firstName: o.email.split('@')[0], lastName: '', userId: Number(o.id), type: 'PERSON', createdAt: STAMP, updatedAt: STAMP, archived: false, teams: [] })) },
    };
  }

  private listPipelines(objectType: string): FakeReply {
    if (objectType !== 'deals' && objectType !== '0-3') return error(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${objectType}`);
    return {
      status: 200,
      body: {
        results: this.pipelines.map((p, i) => ({
          id: p.id,
          label: p.label,
          displayOrder: i,
          createdAt: STAMP,
          updatedAt: STAMP,
          archived: false,
          stages: p.stages.map((s, j) => ({
            id: s.id,
            label: s.label,
            displayOrder: j,
            metadata: { isClosed: String(s.closed), probability: s.closed ? (s.id.includes('won') ? '1.0' : '0.0') : '0.5' },
            createdAt: STAMP,
            updatedAt: STAMP,
            archived: false,
            writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
          })),
        })),
      },
    };
  }

  private search(body: SearchBody): FakeReply {
    const limit = body.limit ?? 10;
    const offset = body.after === undefined ? 0 : Number(body.after);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return error(400, 'VALIDATION_ERROR', 'limit must be between 1 and 200');
    if (!Number.isInteger(offset) || offset < 0 || offset + limit > 10_000) return error(400, 'VALIDATION_ERROR', 'Search results are limited to 10,000; use a narrower filter');
    const groups = body.filterGroups ?? [];
    if (groups.length > 5 || groups.some((g) => (g.filters ?? []).length > 6)) return error(400, 'VALIDATION_ERROR', 'Too many filter groups or filters');
    for (const f of groups.flatMap((g) => g.filters ?? [])) {
      if (!DEAL_PROPERTIES.has(f.propertyName)) return error(400, 'VALIDATION_ERROR', `There was a problem with the request: property ${f.propertyName} does not exist`);
      if (!OPERATORS.has(f.operator)) return error(400, 'VALIDATION_ERROR', `operator ${f.operator} is not supported here`);
      if ((f.operator === 'IN' || f.operator === 'NOT_IN') && !Array.isArray(f.values)) return error(400, 'VALIDATION_ERROR', `${f.operator} needs values`);
    }
    const unknownProperty = (body.properties ?? []).find((p) => !DEAL_PROPERTIES.has(p));
    if (unknownProperty) return error(400, 'VALIDATION_ERROR', `property ${unknownProperty} does not exist`);
    const hits = [...this.deals.values()].filter((d) => groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matches(d, f))));
    const page = hits.slice(offset, offset + limit);
    const more = offset + limit < hits.length;
    const wanted = new Set([...(body.properties ?? []), 'hs_object_id', 'createdate', 'hs_lastmodifieddate']);
    return {
      status: 200,
      body: {
        total: hits.length,
        results: page.map((d) => ({ id: d.id, properties: Object.fromEntries(Object.entries(d.properties).filter(([k]) => wanted.has(k))), createdAt: STAMP, updatedAt: STAMP, archived: false })),
        ...(more ? { paging: { next: { after: String(offset + limit), link: '' } } } : {}),
      },
    };
  }

  private updateContact(id: string, req: RecordedRequest, contacts: Map<string, Contact>): FakeReply | undefined {
    const props = (req.body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    const known = new Set([...CONTACT_PROPERTIES, ...this.customContactProperties]);
    const unknown = Object.keys(props).filter((p) => !known.has(p));
    if (unknown.length > 0) {
      const detail = unknown.map((name) => ({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name }));
      return error(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(detail)}`, {
        errors: unknown.map((name) => ({ message: `Property "${name}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [name] } })),
      });
    }
    const long = Object.entries(props).find(([, v]) => typeof v === 'string' && v.length > 65_536);
    if (long) return error(400, 'VALIDATION_ERROR', `Property values were not valid: ${long[0]} is longer than 65536 characters`);
    const idProperty = req.query.idProperty;
    // Reads by id are the contact routes' own.
    if (idProperty === undefined || idProperty === 'hs_object_id') return undefined;
    if (idProperty !== 'email') return error(400, 'VALIDATION_ERROR', `${idProperty} is not a unique identifier property for contacts`);
    const rec = [...contacts.values()].find((c) => c.properties.email?.toLowerCase() === id.toLowerCase());
    if (!rec) return error(404, 'OBJECT_NOT_FOUND', 'resource not found');
    Object.assign(rec.properties, props);
    rec.updatedAt = new Date().toISOString();
    return { status: 200, body: { id: rec.id, properties: rec.properties, createdAt: STAMP, updatedAt: rec.updatedAt, archived: false } };
  }
}

interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
}
interface SearchBody {
  filterGroups?: { filters?: SearchFilter[] }[];
  properties?: string[];
  limit?: number;
  after?: string;
}

function matches(d: Deal, f: SearchFilter): boolean {
  const v = d.properties[f.propertyName] ?? '';
  switch (f.operator) {
    case 'EQ':
      return v === f.value;
    case 'NEQ':
      return v !== f.value;
    case 'IN':
      return (f.values ?? []).includes(v);
    default:
      return !(f.values ?? []).includes(v);
  }
}
