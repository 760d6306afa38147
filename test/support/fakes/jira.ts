/**
 * A loopback Jira Cloud for tests: the v3 REST routes jira.js calls, with Jira's status codes
 * and `{errorMessages, errors}` error bodies. Checks basic auth like Jira does.
 *
 * Like Jira Cloud, its JQL search can be told to lag behind creates (`searchLagMs`: a new issue
 * is invisible to /search/jql for that long unless `reconcileIssues` names its id), and to create
 * an issue and then cut the connection instead of answering (`dropCreates`).
 *
 * As strict as Jira Cloud about what it stores: descriptions and comments must be valid ADF
 * (Atlassian's JSON schema) within the 32,767-character limit of a text field, summaries within 255.
 */
import { adfProblem, warmAdfSchema } from './adf-schema';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './http';

export interface FakeJiraIssue {
  id: string;
  key: string;
  fields: { summary: string; status: { name: string }; labels: string[]; priority?: { name: string }; description?: unknown };
  comments: unknown[];
  /** When it was created (ms), for the search lag. */
  createdAtMs: number;
}

/** Jira's limit on a text field, checked on the document as stored. */
const TEXT_FIELD_MAX = 32_767;

function richTextProblem(adf: unknown): string | null {
  const problem = adfProblem(adf);
  if (problem) return `Operation value must be an Atlassian Document (see the Atlassian Document Format): ${problem}`;
  if (JSON.stringify(adf).length > TEXT_FIELD_MAX) return `The entered text is too long. It exceeds the allowed limit of ${TEXT_FIELD_MAX.toLocaleString('en-US')} characters.`;
  return null;
}

const notFound: FakeReply = {
  status: 404,
  body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} },
};

export class FakeJira extends FakeHttpServer {
  readonly issues = new Map<string, FakeJiraIssue>();
  private seq = 0;
  /** How long a new issue stays out of JQL search results (0: at once, as in Jira Server). */
  searchLagMs = 0;
  private drops: { times: number; match: (fields: Record<string, unknown>) => boolean }[] = [];

  constructor(private readonly auth: { email: string; apiToken: string } = { email: 'bot@example.com', apiToken: 'jira-token' }) {
    super((req) => this.route(req));
    warmAdfSchema();
  }

  private route(req: RecordedRequest): FakeReply {
    const expected = `Basic ${Buffer.from(`${this.auth.email}:${this.auth.apiToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      return { status: 401, body: { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} } };
    }
    const issuePath = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(req.path);
    const commentPath = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/.exec(req.path);
    if (req.method === 'POST' && req.path === '/rest/api/3/issue') return this.create(req.body);
    if (req.method === 'GET' && issuePath) {
      const issue = this.issues.get(decodeURIComponent(issuePath[1]!));
      if (!issue) return notFound;
      return { status: 200, body: { id: issue.id, key: issue.key, self: `${this.url}/rest/api/3/issue/${issue.id}`, fields: issue.fields } };
    }
    if (req.method === 'POST' && commentPath) {
      const issue = this.issues.get(decodeURIComponent(commentPath[1]!));
      if (!issue) return notFound;
      const body = (req.body as { body?: unknown } | undefined)?.body;
      const problem = richTextProblem(body);
      if (problem) return { status: 400, body: { errorMessages: [], errors: { comment: problem } } };
      issue.comments.push(body);
      const id = String(10100 + issue.comments.length);
      return { status: 201, body: { id, self: `${this.url}/rest/api/3/issue/${issue.id}/comment/${id}`, body, created: new Date().toISOString() } };
    }
    if (req.method === 'POST' && req.path === '/rest/api/3/search/jql') {
      const body = (req.body ?? {}) as { jql?: unknown; reconcileIssues?: unknown };
      const jql = String(body.jql ?? '');
      const label = /labels\s*=\s*"([^"]+)"/.exec(jql)?.[1];
      const reconcile = new Set(Array.isArray(body.reconcileIssues) ? body.reconcileIssues.map(String) : []);
      const visible = (i: FakeJiraIssue) => reconcile.has(i.id) || Date.now() - i.createdAtMs >= this.searchLagMs;
      const hits = [...this.issues.values()].filter((i) => visible(i) && (!label || i.fields.labels.includes(label)));
      return { status: 200, body: { issues: hits.map((i) => ({ id: i.id, key: i.key, self: '', fields: i.fields })), isLast: true } };
    }
    return { status: 404, body: { errorMessages: [`No route ${req.method} ${req.path}`], errors: {} } };
  }

  /**
   * The next `times` creates (those `match` accepts) make their issue, then cut the connection:
   * the caller cannot know whether it exists.
   */
  dropCreates(times = 1, match: (fields: Record<string, unknown>) => boolean = () => true): this {
    this.drops.push({ times, match });
    return this;
  }

  private create(body: unknown): FakeReply {
    const fields = ((body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {}) as Record<string, unknown>;
    const errors: Record<string, string> = {};
    if (typeof fields.summary !== 'string' || fields.summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
    else if (fields.summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    if (typeof fields.summary === 'string' && /[\r\n]/.test(fields.summary)) errors.summary = 'The summary is invalid because it contains newline characters.';
    if (fields.description !== undefined) {
      const problem = richTextProblem(fields.description);
      if (problem) errors.description = problem;
    }
    const project = (fields.project as { key?: string } | undefined)?.key;
    if (!project) errors.project = 'Specify a valid project ID or key';
    const labels: unknown[] = Array.isArray(fields.labels) ? fields.labels : [];
    const badLabel = labels.find((l) => typeof l !== 'string' || /\s/.test(l) || l.length > 255);
    if (badLabel !== undefined) errors.labels = `The label '${String(badLabel).slice(0, 40)}' contains spaces or is longer than 255 characters, which is invalid.`;
    if (Object.keys(errors).length > 0) return { status: 400, body: { errorMessages: [], errors } };
    this.seq++;
    const issue: FakeJiraIssue = {
      id: String(10000 + this.seq),
      key: `${project}-${this.seq}`,
      fields: {
        summary: String(fields.summary),
        status: { name: 'To Do' },
        labels: Array.isArray(fields.labels) ? fields.labels.map(String) : [],
        priority: fields.priority as { name: string } | undefined,
        description: fields.description,
      },
      comments: [],
      createdAtMs: Date.now(),
    };
    this.issues.set(issue.key, issue);
    const drop = this.drops.find((d) => d.times > 0 && d.match(fields));
    if (drop) drop.times--;
    return { ...(drop ? { drop: true } : {}), status: 201, body: { id: issue.id, key: issue.key, self: `${this.url}/rest/api/3/issue/${issue.id}` } };
  }
}
