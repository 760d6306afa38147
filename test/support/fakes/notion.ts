/**
 * A loopback Notion API for tests: database retrieval (with its data sources), page creation
 * under a data source, and data source queries, with Notion's `{object:"error", status, code,
 * message}` errors. Requires a Bearer token and a Notion-Version header, as Notion does. A page
 * can be read by id (`GET /v1/pages/:id`, current at once) while data source queries can be told
 * to lag behind creates (`queryLagMs`).
 */
import { randomUUID } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './http';

export interface FakeNotionPage {
  id: string;
  parent: unknown;
  properties: Record<string, unknown>;
  children: unknown[];
  createdAtMs: number;
}

const error = (status: number, code: string, message: string): FakeReply => ({ status, body: { object: 'error', status, code, message, request_id: randomUUID() } });

export class FakeNotion extends FakeHttpServer {
  readonly pages: FakeNotionPage[] = [];
  readonly dataSourceId = randomUUID();
  /** How long a new page stays out of data source query results. */
  queryLagMs = 0;

  constructor(
    readonly databaseId = 'db0123456789abcdef0123456789abcd',
    private readonly token = 'notion-token',
    /** Property names the database has. */
    private readonly schema = ['Name', 'Reference', 'Tags'],
  ) {
    super((req) => this.route(req));
  }

  private route(req: RecordedRequest): FakeReply {
    if (req.headers.authorization !== `Bearer ${this.token}`) return error(401, 'unauthorized', 'API token is invalid.');
    if (!req.headers['notion-version']) return error(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined.');
    const db = /^\/v1\/databases\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && db) {
      if (db[1] !== this.databaseId) return error(404, 'object_not_found', `Could not find database with ID: ${db[1]}.`);
      return { status: 200, body: { object: 'database', id: this.databaseId, title: [], data_sources: [{ id: this.dataSourceId, name: 'Solutions' }] } };
    }
    const page = /^\/v1\/pages\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && page) {
      const found = this.pages.find((p) => p.id === page[1] || p.id.replace(/-/g, '') === page[1]);
      if (!found) return error(404, 'object_not_found', `Could not find page with ID: ${page[1]}. Make sure the relevant pages and databases are shared with your integration.`);
      return { status: 200, body: this.view(found) };
    }
    if (req.method === 'POST' && req.path === '/v1/pages') return this.createPage(req.body as Record<string, unknown> | undefined);
    const query = /^\/v1\/data_sources\/([^/]+)\/query$/.exec(req.path);
    if (req.method === 'POST' && query) {
      if (query[1] !== this.dataSourceId) return error(404, 'object_not_found', `Could not find data_source with ID: ${query[1]}.`);
      const filter = (req.body as { filter?: { property?: string; rich_text?: { equals?: string } } } | undefined)?.filter;
      const hits = this.pages.filter((p) => Date.now() - p.createdAtMs >= this.queryLagMs).filter((p) => !filter?.property || textOf(p.properties[filter.property]) === filter.rich_text?.equals);
      return { status: 200, body: { object: 'list', results: hits.map((p) => this.view(p)), next_cursor: null, has_more: false, type: 'page_or_data_source', page_or_data_source: {} } };
    }
    return error(400, 'invalid_request_url', 'Invalid request URL.');
  }

  private createPage(body: Record<string, unknown> | undefined): FakeReply {
    const parent = body?.parent as { data_source_id?: string; database_id?: string } | undefined;
    if (parent?.data_source_id !== this.dataSourceId && parent?.database_id !== this.databaseId) {
      return error(404, 'object_not_found', 'Could not find data_source with the given ID.');
    }
    const properties = (body?.properties ?? {}) as Record<string, unknown>;
    for (const name of Object.keys(properties)) {
      if (!this.schema.includes(name)) return error(400, 'validation_error', `${name} is not a property that exists.`);
    }
    const children = Array.isArray(body?.children) ? (body.children as unknown[]) : [];
    if (children.length > 100) return error(400, 'validation_error', `body failed validation: body.children.length should be ≤ \`100\`, instead was \`${children.length}\`.`);
    const problem = [...Object.values(properties), ...children].map(textProblem).find(Boolean);
    if (problem) return error(400, 'validation_error', `body failed validation: ${problem}`);
    const page: FakeNotionPage = { id: randomUUID(), parent, properties, children: Array.isArray(body?.children) ? body.children : [], createdAtMs: Date.now() };
    this.pages.push(page);
    return { status: 200, body: this.view(page) };
  }

  private view(p: FakeNotionPage) {
    const now = new Date().toISOString();
    return {
      object: 'page',
      id: p.id,
      created_time: now,
      last_edited_time: now,
      in_trash: false,
      archived: false,
      url: `https://www.notion.so/${p.id.replace(/-/g, '')}`,
      public_url: null,
      parent: { type: 'data_source_id', data_source_id: this.dataSourceId, database_id: this.databaseId },
      properties: p.properties,
      icon: null,
      cover: null,
      created_by: { object: 'user', id: 'bot' },
      last_edited_by: { object: 'user', id: 'bot' },
    };
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Notion's limits on rich text, wherever it appears (a property, a block): what it would refuse. */
function textProblem(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'object' && v !== null && 'text' in v) && value.length > 100) return `rich_text.length should be ≤ \`100\`, instead was \`${value.length}\`.`;
    for (const v of value) {
      const p = textProblem(v);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const content = (value as { text?: { content?: unknown } }).text?.content;
  if (typeof content === 'string') {
    if (content.length > 2000) return 'text.content.length should be ≤ `2000`.';
    if (LONE_SURROGATE.test(content)) return 'text.content is not valid UTF-16.';
  }
  for (const v of Object.values(value)) {
    const p = textProblem(v);
    if (p) return p;
  }
  return undefined;
}

function textOf(prop: unknown): string {
  const items = (prop as { rich_text?: { text?: { content?: string } }[] } | undefined)?.rich_text ?? [];
  return items.map((i) => i.text?.content ?? '').join('');
}
