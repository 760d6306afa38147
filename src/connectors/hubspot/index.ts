/**
 * CRM on HubSpot through @hubspot/api-client with a private-app token: contacts found by email
 * and created when there is none (an existing contact is never updated from a chat), and a note
 * associated with the contact as the activity. The SDK's retries and limiter stay off (their
 * defaults) so only the gateway retries.
 *
 * HubSpot's idempotency for contacts is the email: it is unique, and a second create with it is
 * refused (409) naming the contact it clashed with. Lookups read the contact by that unique
 * property (`idProperty=email`) rather than through the search API, whose index lags behind
 * writes by seconds.
 */
import { Client } from '@hubspot/api-client';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/notes';
import { z } from 'zod';
import { ConnectorError, expectShape, fromHttpStatus, parseRetryAfter } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import type { ActivityInput, ContactProperties, CreatedLead, CreateLeadOptions, CrmSystem, CrmPerson, LeadInput, PipelineOwner, PipelineSummary } from '../../ports/crm';
import { splitName } from '../names';
import { clip, normalizeNewlines, renderInPieces } from '../kit/text';
import { DEFAULT_CONTACT_PROPERTY_NAMES, type HubspotConfig } from './config';
import { hubspotPipeline, updateHubspotContactProperties } from './sales';

export const HUBSPOT = 'hubspot';
/** HubSpot-defined association type: note → contact. */
const NOTE_TO_CONTACT = 202;

const HsObject = z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable().optional()) });

/** HubSpot errors: ApiException with `.code` = status and `.body` = `{status, message, category}`. */
export function normalizeHubspotError(err: unknown): ConnectorError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; body?: unknown; headers?: unknown };
  if (typeof e.code !== 'number' || !('body' in e)) return undefined;
  const body = (typeof e.body === 'object' && e.body !== null ? e.body : {}) as { message?: unknown; category?: unknown; errors?: unknown };
  const headers = (typeof e.headers === 'object' && e.headers !== null ? e.headers : {}) as Record<string, unknown>;
  const message = typeof body.message === 'string' ? body.message : `HubSpot answered ${e.code}.`;
  const issues = Array.isArray(body.errors)
    ? body.errors.map((x: { message?: unknown; context?: { propertyName?: unknown } }) => ({
        path: String(x.context?.propertyName ?? ''),
        message: String(x.message ?? ''),
      }))
    : undefined;
  // The SDK throws ApiException for any unexpected status, 2xx included.
  if (e.code < 400) {
    return new ConnectorError('upstream_unavailable', `HubSpot answered with an unexpected status ${e.code}.`, { connector: HUBSPOT, status: e.code, retry: 'never', cause: err });
  }
  return fromHttpStatus(HUBSPOT, e.code, message, {
    vendorCode: typeof body.category === 'string' ? body.category : undefined,
    retryAfterSeconds: parseRetryAfter(headers['retry-after']),
    issues,
    cause: err,
  });
}

export class HubspotCrm implements CrmSystem {
  readonly provider = HUBSPOT;
  private readonly client: Client;

  constructor(
    private readonly config: HubspotConfig,
    private readonly gateway: Gateway,
  ) {
    // HubSpot's private-app limit on the smallest plans: 100 requests per 10 seconds.
    gateway.register(HUBSPOT, normalizeHubspotError);
    this.client = new Client({ accessToken: config.accessToken, basePath: config.baseUrl });
  }

  async findByEmail(email: string): Promise<CrmPerson | null> {
    let found: unknown;
    try {
      found = await this.gateway.call(
        HUBSPOT,
        'getContactByEmail',
        () => this.client.crm.contacts.basicApi.getById(email, ['email', 'firstname', 'lastname', 'company'], undefined, undefined, false, 'email'),
        // A read changes nothing, so repeating it is safe.
        { idempotent: true },
      );
    } catch (err) {
      if (err instanceof ConnectorError && err.kind === 'not_found') return null;
      throw err;
    }
    const hit = expectShape(HUBSPOT, 'contact', HsObject, found);
    const p = hit.properties;
    const name = [p.firstname, p.lastname].filter(Boolean).join(' ');
    return { id: hit.id, email: p.email ?? email, name: name || undefined, company: p.company ?? undefined };
  }

  async createLead(lead: LeadInput, opts: CreateLeadOptions = {}): Promise<CreatedLead> {
    const { first, last } = splitName(lead.name);
    // lifecyclestage only on create: HubSpot refuses to move an existing contact backwards.
    const properties: Record<string, string> = { email: lead.email, firstname: first, lastname: last, lifecyclestage: 'lead' };
    if (lead.company) properties.company = lead.company;
    try {
      const created = await this.gateway.call(HUBSPOT, 'createContact', () => this.client.crm.contacts.basicApi.create({ properties, associations: [] }), {
        // Not retried within the attempt although a repeat could never make a second contact (the
        // email is unique): its 409 could not tell our own create from someone else's.
        idempotent: false,
        signal: opts.signal,
      });
      return { id: expectShape(HUBSPOT, 'create contact', HsObject, created).id, existed: false };
    } catch (err) {
      // The contact appeared since the lookup (this request's earlier create, or someone else's):
      // HubSpot's 409 names it.
      const named = err instanceof ConnectorError && err.kind === 'conflict' ? /Existing ID: (\d+)/.exec(err.message)?.[1] : undefined;
      if (named) return { id: named, existed: true };
      throw err;
    }
  }

  /** Open deals of the owner with that email, by stage (sales.ts). */
  async pipeline(owner: PipelineOwner): Promise<PipelineSummary> {
    return hubspotPipeline({ connector: HUBSPOT, client: this.client, gateway: this.gateway }, owner);
  }

  async updateContactProperties(email: string, properties: ContactProperties, opts: { signal?: AbortSignal } = {}): Promise<{ id: string } | null> {
    const names = this.config.contactPropertyNames ?? DEFAULT_CONTACT_PROPERTY_NAMES;
    return updateHubspotContactProperties({ connector: HUBSPOT, client: this.client, gateway: this.gateway }, email, properties, names, opts.signal);
  }

  /** A note on the contact; a body longer than a note holds becomes several, numbered. */
  async logActivity(personId: string, activity: ActivityInput): Promise<{ id: string }> {
    const subject = clip(normalizeNewlines(activity.subject), SUBJECT_MAX);
    const bodies = noteBodies(subject, normalizeNewlines(activity.body));
    let first: string | undefined;
    for (const body of bodies) {
      const note = await this.gateway.call(
        HUBSPOT,
        'createNote',
        () =>
          this.client.crm.objects.notes.basicApi.create({
            properties: { hs_note_body: body, hs_timestamp: (activity.at ?? new Date()).toISOString() },
            associations: [
              { to: { id: personId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: NOTE_TO_CONTACT }] },
            ],
          }),
        { idempotent: false },
      );
      first ??= expectShape(HUBSPOT, 'create note', HsObject, note).id;
    }
    return { id: first! };
  }
}

/** HubSpot keeps a note body (HTML) of at most 65,536 characters. */
const NOTE_BODY_MAX = 65_536;
/** A heading, not a paragraph: the rest of a long subject is in the body anyway. */
const SUBJECT_MAX = 500;

function noteHtml(subject: string, body: string): string {
  return `<p><strong>${escapeHtml(subject)}</strong></p>${body
    .split('\n')
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('')}`;
}

/** The note bodies for one activity: one when it fits, else the text over several, each numbered. */
function noteBodies(subject: string, body: string): string[] {
  const whole = noteHtml(subject, body);
  if (whole.length <= NOTE_BODY_MAX) return [whole];
  return renderInPieces(body, NOTE_BODY_MAX, (pieces) => {
    const html = pieces.map((p, i) => noteHtml(`${subject} (part ${i + 1} of ${pieces.length})`, p));
    return html.every((h) => h.length <= NOTE_BODY_MAX) ? html : null;
  });
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
