/**
 * TicketingSystem on Jira Cloud through jira.js (Version3Client, basic auth with email + API token).
 * jira.js has no retries of its own; every call goes through the gateway. Who filed an issue is
 * kept in two labels (filerLabels), read back with its status.
 */
import { HttpException, Version3Client } from 'jira.js';
import { z } from 'zod';
import { clip, normalizeNewlines, renderInPieces } from '../kit/text';
import { ConnectorError, expectShape, fromHttpStatus, parseRetryAfter } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import { FILER_MARK, type CreatedTicket, type Severity, type TicketFiler, type TicketInput, type TicketStatus, type TicketingSystem } from '../../ports/ticketing';
import { doc, heading, paragraphs, quote, type AdfDoc, type AdfNode } from './adf';
import type { JiraConfig } from './config';

export const JIRA = 'jira';

const PRIORITY: Record<Severity, string> = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low' };

const Created = z.object({ id: z.string(), key: z.string() });
const Issue = z.object({
  key: z.string(),
  fields: z.object({ summary: z.string().optional(), status: z.object({ name: z.string() }), labels: z.array(z.string()).optional() }),
});
const Comment = z.object({ id: z.string() });
const SearchResult = z.object({ issues: z.array(z.object({ key: z.string() })) });

/** Jira errors: `{errorMessages: [...], errors: {field: message}}` on an HttpException. */
export function normalizeJiraError(err: unknown): ConnectorError | undefined {
  if (!(err instanceof HttpException)) return undefined;
  const response = typeof err.response === 'object' ? (err.response as { data?: unknown }) : {};
  const data = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as {
    errorMessages?: unknown;
    errors?: unknown;
  };
  const messages = Array.isArray(data.errorMessages) ? data.errorMessages.filter((m): m is string => typeof m === 'string') : [];
  const fieldErrors = typeof data.errors === 'object' && data.errors !== null ? Object.entries(data.errors as Record<string, unknown>) : [];
  const issues = fieldErrors.map(([path, message]) => ({ path, message: String(message) }));
  const detail = [...messages, ...issues.map((i) => `${i.path}: ${i.message}`)].join('; ');
  const headers = (err.cause as { response?: { headers?: Record<string, unknown> } } | undefined)?.response?.headers ?? {};
  return fromHttpStatus(JIRA, err.status, detail ? `Jira answered ${err.status}: ${detail}` : `Jira answered ${err.status}.`, {
    retryAfterSeconds: parseRetryAfter(headers['retry-after']),
    issues: issues.length > 0 ? issues : undefined,
    cause: err,
  });
}

export interface JiraOptions {
  /**
   * How long JQL search may miss a new issue (Atlassian: seconds, sometimes more); a "not there"
   * is believed only after it, unless the search names the issue in reconcileIssues. The value
   * is data in providers.ts; 0 trusts search at once (a fake without lag, Jira Data Center).
   */
  searchConsistencyMs?: number;
}

export class JiraTicketing implements TicketingSystem {
  readonly provider = JIRA;
  readonly searchConsistencyMs: number;
  private readonly client: Version3Client;

  constructor(
    private readonly config: JiraConfig,
    private readonly gateway: Gateway,
    opts: JiraOptions = {},
  ) {
    this.searchConsistencyMs = opts.searchConsistencyMs ?? 0;
    gateway.register(JIRA, normalizeJiraError);
    this.client = new Version3Client({
      host: config.host,
      authentication: { basic: { email: config.email, apiToken: config.apiToken } },
      // A socket-level deadline so an abandoned attempt does not linger.
      baseRequestConfig: { timeout: gateway.policyOf(JIRA).attemptTimeoutMs },
    });
  }

  /**
   * Creates the issue. When the create fails ambiguously (timed out, 5xx: Jira may have created
   * it), the reference label is searched before creating again, so one request makes one issue.
   * A search right after the create may not show it yet: with a consistency window, a miss
   * throws the create's error, and the job tries again once a miss can be believed.
   */
  async createTicket(input: TicketInput, opts: { signal?: AbortSignal } = {}): Promise<CreatedTicket> {
    try {
      return await this.create(input, opts.signal);
    } catch (err) {
      if (!input.reference || !(err instanceof ConnectorError) || err.retry !== 'if_idempotent') throw err;
      const existing = await this.findByReference(input.reference);
      if (existing) return existing;
      if (this.searchConsistencyMs > 0) throw err;
      opts.signal?.throwIfAborted();
      return await this.create(input, opts.signal);
    }
  }

  /**
   * The issue filed for this request reference, if any. `knownId` (the issue id a create
   * answered) is passed as reconcileIssues, which makes the search consistent for that issue.
   */
  async findByReference(reference: string, opts: { knownId?: string } = {}): Promise<CreatedTicket | null> {
    const reconcileIssues = opts.knownId && /^\d{1,18}$/.test(opts.knownId) ? [Number(opts.knownId)] : undefined;
    const found = await this.gateway.call(
      JIRA,
      'searchByReference',
      () =>
        this.client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
          jql: `project = "${this.config.projectKey}" AND labels = "${referenceLabel(reference)}" ORDER BY created ASC`,
          maxResults: 1,
          fields: ['summary'],
          ...(reconcileIssues ? { reconcileIssues } : {}),
        }),
      { idempotent: true },
    );
    const key = expectShape(JIRA, 'search', SearchResult, found).issues[0]?.key;
    return key ? { key, url: this.browseUrl(key) } : null;
  }

  private async create(input: TicketInput, signal?: AbortSignal): Promise<CreatedTicket> {
    const { description, continued } = describe(input);
    const labels = [
      ...new Set([...this.config.labels, ...(input.labels ?? []), ...(input.reference ? [referenceLabel(input.reference)] : []), ...filerLabels(input.filedBy)]),
    ];
    const created = await this.gateway.call(
      JIRA,
      'createIssue',
      () =>
        this.client.issues.createIssue({
          fields: {
            project: { key: this.config.projectKey },
            issuetype: { name: this.config.issueType },
            summary: clip(normalizeNewlines(input.summary).replace(/\n+/g, ' '), SUMMARY_MAX),
            description,
            priority: { name: PRIORITY[input.severity] },
            labels,
          },
        }),
      { idempotent: false, signal },
    );
    const { id, key } = expectShape(JIRA, 'create issue', Created, created);
    // The rest of a description longer than the field holds follows as comments, in order. A
    // comment sent twice (a retry after a lost answer) beats a part of the description lost.
    for (const comment of continued) {
      await this.gateway.call(JIRA, 'addComment', () => this.client.issueComments.addComment({ issueIdOrKey: key, comment }), { idempotent: true });
    }
    return { key, id, url: this.browseUrl(key) };
  }

  async getStatus(key: string): Promise<TicketStatus> {
    const issue = await this.gateway.call(JIRA, 'getIssue', () => this.client.issues.getIssue({ issueIdOrKey: key, fields: ['summary', 'status', 'labels'] }), {
      idempotent: true,
    });
    const parsed = expectShape(JIRA, 'get issue', Issue, issue);
    const filedBy = filerFromLabels(parsed.fields.labels ?? []);
    return { key: parsed.key, status: parsed.fields.status.name, summary: parsed.fields.summary, url: this.browseUrl(parsed.key), ...(filedBy ? { filedBy } : {}) };
  }

  async addComment(key: string, text: string): Promise<{ id: string }> {
    const comment = await this.gateway.call(
      JIRA,
      'addComment',
      () => this.client.issueComments.addComment({ issueIdOrKey: key, comment: doc(paragraphs(normalizeNewlines(text))) }),
      { idempotent: false },
    );
    return { id: expectShape(JIRA, 'add comment', Comment, comment).id };
  }

  private browseUrl(key: string): string {
    return `${this.config.host}/browse/${encodeURIComponent(key)}`;
  }
}

/** Jira labels cannot hold spaces; the reference label lets a retried create find its ticket. */
export function referenceLabel(reference: string): string {
  return `ab-${reference.replace(/[^A-Za-z0-9_-]/g, '-')}`.slice(0, 255);
}

const CONVERSATION_LABEL = 'ab-conversation-';
const CUSTOMER_LABEL = 'ab-customer-';

/** The labels that say who filed an issue (hashes: a label is visible to every Jira user). */
export function filerLabels(filer: TicketFiler | undefined): string[] {
  if (!filer) return [];
  return [`${CONVERSATION_LABEL}${filer.conversation}`, ...(filer.customer ? [`${CUSTOMER_LABEL}${filer.customer}`] : [])];
}

function filerFromLabels(labels: string[]): TicketFiler | undefined {
  const marked = (prefix: string) => labels.find((l) => l.startsWith(prefix) && FILER_MARK.test(l.slice(prefix.length)))?.slice(prefix.length);
  const conversation = marked(CONVERSATION_LABEL);
  if (!conversation) return undefined;
  const customer = marked(CUSTOMER_LABEL);
  return { conversation, ...(customer ? { customer } : {}) };
}

/** Jira Cloud's limit on a text field (summary aside), which the stored description must keep to. */
const TEXT_FIELD_MAX = 32_767;
const SUMMARY_MAX = 255;

function fits(adf: AdfDoc): boolean {
  return JSON.stringify(adf).length <= TEXT_FIELD_MAX;
}

/**
 * The issue's description, and the comments that carry on with it when the user wrote more than
 * the field holds: the description keeps the start, the excerpt and the severity; the rest
 * follows, cut between words and never inside a character.
 */
export function describe(input: TicketInput): { description: AdfDoc; continued: AdfDoc[] } {
  const text = normalizeNewlines(input.description);
  const tail: AdfNode[] = [];
  if (input.conversationExcerpt?.trim()) {
    tail.push(heading('Conversation excerpt'));
    tail.push(quote(normalizeNewlines(input.conversationExcerpt).split('\n')));
  }
  tail.push(...paragraphs(`Severity: ${input.severity}. Filed by the chatbot.`));
  const whole = doc([...paragraphs(text), ...tail]);
  if (fits(whole)) return { description: whole, continued: [] };
  return renderInPieces(text, TEXT_FIELD_MAX, ([first = '', ...rest]) => {
    const description = doc([...paragraphs(first), ...paragraphs(`(The description continues in the next ${rest.length} comment${rest.length === 1 ? '' : 's'}.)`), ...tail]);
    const continued = rest.map((piece, i) => doc([...paragraphs(`Description, continued (${i + 1} of ${rest.length}):`), ...paragraphs(piece)]));
    return fits(description) && continued.every(fits) ? { description, continued } : null;
  });
}
