/**
 * CRM on Salesforce through jsforce: a Lead is found by email with SOQL (read-after-write
 * consistent) and created when there is none (an existing one is never updated from a chat); the
 * activity is a completed Task linked to the lead (WhoId). A create is an upsert on the Lead's
 * external-id field holding the request's reference, Salesforce's own idempotency: sent twice, it
 * is one lead, so it may be retried like a read.
 *
 * Two jsforce traps handled here:
 * - its own HTTP retries (and env proxy) are module defaults: replaced once with no retries and
 *   a socket timeout, so only the gateway retries;
 * - on a persistent 401 its refresh-and-replay loop never ends. The refresh function given to it
 *   refuses a second refresh until a call has succeeded, which ends the loop with an auth error.
 */
import { Connection, OAuth2 } from 'jsforce';
import { setDefaults } from 'jsforce/lib/request';
import { z } from 'zod';
import { ConnectorError } from '../kit/connector-error';
import { expectShape } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import { registerSecret } from '../../observability/redact';
import type { ActivityInput, ContactProperties, CreatedLead, CreateLeadOptions, CrmSystem, CrmPerson, LeadInput, PipelineOwner, PipelineSummary } from '../../ports/crm';
import { splitName } from '../names';
import { clip, normalizeNewlines, splitText } from '../kit/text';
import type { SalesforceConfig } from './config';
import { DEFAULT_LEAD_PROPERTY_FIELDS, salesforcePipeline, updateLeadProperties } from './sales';

export const SALESFORCE = 'salesforce';

const SaveResult = z.object({ id: z.string().optional(), success: z.boolean(), errors: z.array(z.unknown()).optional() });
const LeadRows = z.object({
  records: z.array(
    z
      .object({ Id: z.string(), Email: z.string().nullable().optional(), FirstName: z.string().nullable().optional(), LastName: z.string().nullable().optional(), Company: z.string().nullable().optional() })
      .catchall(z.unknown()),
  ),
});
const Token = z.object({ access_token: z.string(), instance_url: z.string() });

const AUTH = new Set(['INVALID_SESSION_ID', 'INVALID_AUTH_HEADER', 'invalid_grant', 'invalid_client', 'invalid_client_id', 'unsupported_grant_type']);
const FORBIDDEN = new Set(['INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', 'API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED']);
const NOT_FOUND = new Set(['NOT_FOUND', 'ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY']);
const UNAVAILABLE = new Set(['SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', 'REQUEST_RUNNING_TOO_LONG', 'QUERY_TIMEOUT']);

/**
 * jsforce errors carry no HTTP status: HttpApiError has the vendor `errorCode` (or
 * `ERROR_HTTP_<status>` for bodies that are not Salesforce errors), token errors are named
 * after the OAuth error, and a refused refresh says so in its message.
 */
export function normalizeSalesforceError(err: unknown): ConnectorError | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { errorCode?: unknown; data?: unknown };
  let code = typeof e.errorCode === 'string' ? e.errorCode : AUTH.has(e.name) ? e.name : undefined;
  if (code === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data)) code = String((e.data[0] as { errorCode?: unknown } | undefined)?.errorCode ?? code);
  const base = { connector: SALESFORCE, vendorCode: code, cause: err };
  if (e.message.startsWith('Unable to refresh session')) {
    return new ConnectorError('auth', 'Salesforce did not accept our credentials, even after signing in again.', { ...base, vendorCode: 'refresh_failed', retry: 'never' });
  }
  if (!code) return undefined;
  const fields = (e.data as { fields?: unknown } | undefined)?.fields;
  const issues = Array.isArray(fields) ? fields.map((f) => ({ path: String(f), message: e.message })) : undefined;
  const http = /^ERROR_HTTP_(\d{3})$/.exec(code);
  if (http) {
    const status = Number(http[1]);
    if (status === 429) return new ConnectorError('rate_limited', 'Salesforce is rate limiting us.', { ...base, status, retry: 'safe' });
    if (status >= 500) return new ConnectorError('upstream_unavailable', `Salesforce answered ${status}.`, { ...base, status, retry: 'if_idempotent' });
    if (status === 401) return new ConnectorError('auth', 'Salesforce refused our credentials.', { ...base, status, retry: 'never' });
    if (status === 404) return new ConnectorError('not_found', 'Salesforce could not find that.', { ...base, status, retry: 'never' });
    return new ConnectorError('validation', `Salesforce answered ${status}.`, { ...base, status, retry: 'never' });
  }
  if (AUTH.has(code)) return new ConnectorError('auth', `Salesforce refused our credentials (${code}).`, { ...base, retry: 'never' });
  if (code === 'REQUEST_LIMIT_EXCEEDED') return new ConnectorError('rate_limited', 'The Salesforce org has used up its API requests for now.', { ...base, retry: 'never' });
  if (FORBIDDEN.has(code)) return new ConnectorError('forbidden', e.message, { ...base, retry: 'never' });
  if (NOT_FOUND.has(code)) return new ConnectorError('not_found', e.message, { ...base, retry: 'never' });
  if (UNAVAILABLE.has(code)) return new ConnectorError('upstream_unavailable', e.message, { ...base, retry: 'if_idempotent' });
  if (code === 'DUPLICATES_DETECTED' || code === 'DUPLICATE_VALUE') return new ConnectorError('conflict', e.message, { ...base, retry: 'never' });
  // Everything else Salesforce names is about the data we sent (REQUIRED_FIELD_MISSING, INVALID_EMAIL_ADDRESS, ...).
  return new ConnectorError('validation', e.message, { ...base, issues, retry: 'never' });
}

/** Field lengths of the standard Lead and Task (Salesforce's field reference), in UTF-16 units. */
const LIMITS = { firstName: 40, lastName: 80, company: 255, email: 80, description: 32_000, taskSubject: 255, taskDescription: 32_000 } as const;

/**
 * The Lead's fields from what the user gave, each within its length; what had to be cut is
 * returned in full so it can be kept elsewhere on the lead. An email cannot be cut: one longer
 * than the field is refused, naming the field, before anything is sent.
 */
export function leadRecord(lead: LeadInput, leadSource: string): { record: Record<string, string>; clipped: string[] } {
  if (lead.email.length > LIMITS.email) {
    throw new ConnectorError('validation', `Salesforce keeps emails of at most ${LIMITS.email} characters.`, {
      connector: SALESFORCE,
      issues: [{ path: 'Email', message: `longer than ${LIMITS.email} characters` }],
      retry: 'never',
    });
  }
  const { first, last } = splitName(normalizeNewlines(lead.name));
  const company = normalizeNewlines(lead.company || 'Unknown');
  const description = lead.interest ? `Interested in: ${normalizeNewlines(lead.interest)}` : undefined;
  const record: Record<string, string> = {
    FirstName: clip(first, LIMITS.firstName),
    LastName: clip(last, LIMITS.lastName),
    Email: lead.email,
    Company: clip(company, LIMITS.company),
    LeadSource: leadSource,
  };
  if (description) record.Description = clip(description, LIMITS.description);
  const clipped: string[] = [];
  if (record.FirstName !== first || record.LastName !== last) clipped.push(`Name: ${normalizeNewlines(lead.name)}`);
  if (record.Company !== company) clipped.push(`Company: ${company}`);
  if (description && record.Description !== description) clipped.push(description);
  return { record, clipped };
}

/** SOQL string literal: backslash and quote are the characters that need escaping. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

let jsforceDefaultsSet = false;

export class SalesforceCrm implements CrmSystem {
  readonly provider = SALESFORCE;
  private readonly conn: Connection;
  private readonly oauth?: OAuth2;
  private refreshesSinceSuccess = 0;
  private ready?: Promise<void>;

  constructor(
    private readonly config: SalesforceConfig,
    private readonly gateway: Gateway,
  ) {
    gateway.register(SALESFORCE, normalizeSalesforceError);
    if (!jsforceDefaultsSet) {
      // Module-wide: also drops the proxy jsforce reads from the environment (it ignores NO_PROXY).
      setDefaults({ followRedirect: true, retry: { maxRetries: 0 }, timeout: gateway.policyOf(SALESFORCE).attemptTimeoutMs });
      jsforceDefaultsSet = true;
    }
    const grant = config.grant;
    if (grant) this.oauth = new OAuth2({ clientId: grant.clientId, clientSecret: grant.clientSecret, loginUrl: config.loginUrl });
    this.conn = new Connection({
      loginUrl: config.loginUrl,
      instanceUrl: config.instanceUrl,
      accessToken: config.accessToken,
      version: config.apiVersion,
      refreshFn: this.oauth
        ? (conn, callback) => {
            if (this.refreshesSinceSuccess >= 1) {
              callback(new Error('a freshly issued token was refused too'));
              return;
            }
            this.refreshesSinceSuccess++;
            this.requestToken().then(
              (t) => {
                conn.instanceUrl = t.instance_url;
                callback(null, t.access_token);
              },
              (err: Error) => callback(err),
            );
          }
        : undefined,
    });
  }

  async findByEmail(email: string): Promise<CrmPerson | null> {
    const ref = this.config.referenceField;
    const soql = `SELECT Id, Email, FirstName, LastName, Company${ref ? `, ${ref}` : ''} FROM Lead WHERE Email = ${soqlString(email)} AND IsConverted = false ORDER BY CreatedDate ASC LIMIT 1`;
    const rows = await this.call('queryLead', async () => await this.conn.query(soql), true);
    const lead = expectShape(SALESFORCE, 'lead query', LeadRows, rows).records[0];
    if (!lead) return null;
    const name = [lead.FirstName, lead.LastName].filter(Boolean).join(' ');
    const reference = ref ? lead[ref] : undefined;
    return {
      id: lead.Id,
      email: lead.Email ?? email,
      name: name || undefined,
      company: lead.Company ?? undefined,
      // Read with the field: a lead without a reference was not made by a request of ours.
      ...(ref ? { reference: typeof reference === 'string' ? reference : '' } : {}),
    };
  }

  async createLead(lead: LeadInput, opts: CreateLeadOptions = {}): Promise<CreatedLead> {
    const { record, clipped } = leadRecord(lead, this.config.leadSource);
    const ref = this.config.referenceField;
    let id: string;
    if (ref && opts.reference) {
      const res = await this.call('upsertLead', () => this.conn.sobject('Lead').upsert({ ...record, [ref]: opts.reference }, ref), true, opts.signal);
      id = this.checkSaved(res, 'upsert lead');
    } else {
      const res = await this.call('createLead', () => this.conn.sobject('Lead').create(record), false, opts.signal);
      id = this.checkSaved(res, 'create lead');
    }
    // What did not fit the Lead's fields is kept on it in full, in a Task.
    if (clipped.length > 0) await this.logActivity(id, { subject: 'Chatbot: details in full', body: clipped.join('\n') });
    return { id, existed: false };
  }

  /** A completed Task on the record; a body longer than a Task holds becomes several, numbered. */
  async logActivity(personId: string, activity: ActivityInput): Promise<{ id: string }> {
    const at = activity.at ?? new Date();
    const parts = splitText(normalizeNewlines(activity.body), LIMITS.taskDescription);
    let first: string | undefined;
    for (const [i, body] of parts.entries()) {
      const suffix = parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : '';
      const subject = `${clip(activity.subject, LIMITS.taskSubject - suffix.length)}${suffix}`;
      const task = { Subject: subject, WhoId: personId, Status: 'Completed', ActivityDate: at.toISOString().slice(0, 10), Description: body };
      const res = await this.call('createTask', () => this.conn.sobject('Task').create(task), false);
      first ??= this.checkSaved(res, 'create task');
    }
    return { id: first! };
  }

  /** Open Opportunities of the Users with the owner's email, by stage (sales.ts). */
  async pipeline(owner: PipelineOwner): Promise<PipelineSummary> {
    return salesforcePipeline({ connector: SALESFORCE, literal: soqlString, query: (operation, soql) => this.call(operation, async () => await this.conn.query(soql), true) }, owner);
  }

  /** Fields of the Lead with the email; the same values written again change nothing, so it is retried like a read. */
  async updateContactProperties(email: string, properties: ContactProperties, opts: { signal?: AbortSignal } = {}): Promise<{ id: string } | null> {
    const update = async (record: Record<string, string>) => {
      const res = await this.call('updateLeadProperties', () => this.conn.sobject('Lead').update(record as { Id: string }), true, opts.signal);
      this.checkSaved(res, 'update lead');
    };
    return updateLeadProperties((e) => this.findByEmail(e), update, email, properties, this.config.leadPropertyFields ?? DEFAULT_LEAD_PROPERTY_FIELDS);
  }

  /** One gateway call, after making sure we hold a token. */
  private async call<T>(operation: string, fn: () => Promise<T>, idempotent: boolean, signal?: AbortSignal): Promise<T> {
    await this.ensureToken();
    // Each call may refresh once; a refusal must not block the calls after it.
    this.refreshesSinceSuccess = 0;
    const out = await this.gateway.call(SALESFORCE, operation, fn, { idempotent, signal });
    this.refreshesSinceSuccess = 0;
    return out;
  }

  private ensureToken(): Promise<void> {
    if (this.conn.accessToken) return Promise.resolve();
    this.ready ??= this.gateway
      .call(SALESFORCE, 'authorize', () => this.requestToken(), { idempotent: true })
      .then((t) => {
        this.conn.accessToken = t.access_token;
        this.conn.instanceUrl = t.instance_url;
      })
      .finally(() => (this.ready = undefined));
    return this.ready;
  }

  private async requestToken(): Promise<z.output<typeof Token>> {
    const grant = this.config.grant;
    if (!this.oauth || !grant) throw new ConnectorError('auth', 'No Salesforce connected app is configured to sign in with.', { connector: SALESFORCE, retry: 'never' });
    const res = grant.username
      ? await this.oauth.authenticate(grant.username, grant.password ?? '')
      : await this.oauth.requestToken({ grant_type: 'client_credentials' });
    const token = expectShape(SALESFORCE, 'token request', Token, res);
    // Issued tokens are as secret as the configured ones.
    registerSecret(token.access_token);
    return token;
  }

  private checkSaved(res: unknown, what: string): string {
    const saved = expectShape(SALESFORCE, what, SaveResult, res);
    if (!saved.success || !saved.id) {
      throw new ConnectorError('validation', `Salesforce did not save the record (${what}).`, { connector: SALESFORCE, retry: 'never' });
    }
    return saved.id;
  }
}
