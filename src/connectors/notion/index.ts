/**
 * Knowledge base on Notion through @notionhq/client with an integration token. Notion API
 * 2025-09-03 puts rows in data sources: the database's first data source is looked up once and
 * pages are created under it and queried through it. The SDK's own retries are off.
 *
 * Notion has no idempotency key for creates and does not promise that a data source query sees a
 * page created a moment ago; retrieving a page by its id does. So a create is sent once per
 * attempt (its repeats are the job's business, which verifies first), a page whose id is known is
 * read directly, and a query's miss counts only after `searchConsistencyMs`.
 */
import { APIResponseError, Client, LogLevel, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { z } from 'zod';
import { clip, normalizeNewlines, splitText } from '../kit/text';
import { ConnectorError, expectShape, fromHttpStatus, parseRetryAfter } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import type { Article, ArticleInput, KnowledgeBaseSystem } from '../../ports/knowledge-base';
import type { NotionConfig } from './config';

export const NOTION = 'notion';
/** The Notion-Version this adapter is written against. */
export const NOTION_VERSION = '2025-09-03';
/** Notion rejects rich-text items longer than this. */
const MAX_TEXT = 2000;

const Database = z.object({ data_sources: z.array(z.object({ id: z.string() })).min(1) });
const Page = z.object({ object: z.literal('page'), id: z.string(), url: z.string().optional(), properties: z.record(z.string(), z.unknown()).optional() });
const QueryResult = z.object({ results: z.array(Page) });

/** Notion errors: APIResponseError with `.status`, `.code` and `.headers`. */
export function normalizeNotionError(err: unknown): ConnectorError | undefined {
  if (err instanceof RequestTimeoutError) {
    return new ConnectorError('upstream_unavailable', 'Notion did not answer in time.', { connector: NOTION, vendorCode: err.code, retry: 'if_idempotent', cause: err });
  }
  if (APIResponseError.isAPIResponseError(err)) {
    return fromHttpStatus(NOTION, err.status, err.message, {
      vendorCode: err.code,
      retryAfterSeconds: parseRetryAfter(headerOf(err.headers, 'retry-after')),
      cause: err,
    });
  }
  if (err instanceof UnknownHTTPResponseError) {
    return fromHttpStatus(NOTION, err.status, `Notion answered ${err.status}.`, { vendorCode: err.code, retryAfterSeconds: parseRetryAfter(headerOf(err.headers, 'retry-after')), cause: err });
  }
  return undefined;
}

/** Error headers are a fetch Headers object, typed loosely by the SDK. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = (headers as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
}

type RichText = { type: 'text'; text: { content: string } }[];

/** Notion's request limits: characters per text object, items per array, blocks per request. */
const ITEMS_MAX = 100;
const CHILDREN_MAX = 100;
/**
 * Text one block's rich text can carry: pieces are cut between words, so each holds at least 80%
 * of MAX_TEXT, and ITEMS_MAX of them always fit.
 */
const BLOCK_TEXT_MAX = ITEMS_MAX * MAX_TEXT * 0.8;

/** Text objects of at most MAX_TEXT units each, never cutting a character in two. */
function richText(s: string): RichText {
  return splitText(s, MAX_TEXT).map((content) => ({ type: 'text', text: { content } }));
}

/**
 * A section's paragraphs as at most `budget` texts: one over BLOCK_TEXT_MAX is split, and when
 * there are more than the budget, neighbours share a block (separated by a blank line), so the
 * whole article goes in one request (a page created in one call is created once).
 */
function packParagraphs(paragraphs: string[], budget: number): string[] {
  const items = paragraphs.flatMap((p) => (p.length > BLOCK_TEXT_MAX ? splitText(p, BLOCK_TEXT_MAX) : [p]));
  if (items.length <= budget) return items;
  const perBlock = Math.ceil(items.length / budget);
  const packed: string[] = [];
  let group: string[] = [];
  let size = 0;
  for (const item of items) {
    if (group.length > 0 && (group.length >= perBlock || size + 2 + item.length > BLOCK_TEXT_MAX)) {
      packed.push(group.join('\n\n'));
      group = [];
      size = 0;
    }
    group.push(item);
    size += item.length + (group.length > 1 ? 2 : 0);
  }
  if (group.length > 0) packed.push(group.join('\n\n'));
  if (packed.length > budget) {
    throw new ConnectorError('validation', 'The article is longer than Notion takes in one page.', { connector: NOTION, retry: 'never' });
  }
  return packed;
}

/** The page's children: a heading and the paragraphs of each section, within Notion's 100 per request. */
function articleBlocks(sections: [title: string, body: string][]) {
  const paragraphs = sections.map(([, body]) =>
    normalizeNewlines(body)
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean),
  );
  const total = paragraphs.reduce((sum, p) => sum + Math.max(1, p.length), 0);
  const room = CHILDREN_MAX - sections.length;
  return sections.flatMap(([title], i) => [
    { object: 'block' as const, type: 'heading_2' as const, heading_2: { rich_text: richText(title) } },
    // Each section gets room in proportion to its paragraphs, and at least one block.
    ...packParagraphs(paragraphs[i]!, Math.max(1, Math.floor((room * Math.max(1, paragraphs[i]!.length)) / total))).map((p) => ({
      object: 'block' as const,
      type: 'paragraph' as const,
      paragraph: { rich_text: richText(p) },
    })),
  ]);
}

export class NotionKnowledgeBase implements KnowledgeBaseSystem {
  readonly provider = NOTION;
  readonly searchConsistencyMs: number;
  private readonly client: Client;
  private dataSourceId?: Promise<string>;

  constructor(
    private readonly config: NotionConfig,
    private readonly gateway: Gateway,
    opts: { searchConsistencyMs?: number } = {},
  ) {
    this.searchConsistencyMs = opts.searchConsistencyMs ?? 0;
    // Notion allows an average of three requests per second per integration.
    gateway.register(NOTION, normalizeNotionError);
    this.client = new Client({
      auth: config.token,
      baseUrl: config.baseUrl,
      notionVersion: NOTION_VERSION,
      retry: false,
      timeoutMs: gateway.policyOf(NOTION).attemptTimeoutMs,
      logLevel: LogLevel.ERROR,
    });
  }

  async createArticle(input: ArticleInput, opts: { signal?: AbortSignal } = {}): Promise<Article> {
    return this.create(input, opts.signal);
  }

  private async create(input: ArticleInput, signal?: AbortSignal): Promise<Article> {
    const p = this.config.properties;
    const dataSourceId = await this.resolveDataSource();
    const page = await this.gateway.call(
      NOTION,
      'createPage',
      () =>
        this.client.pages.create({
          parent: { type: 'data_source_id', data_source_id: dataSourceId },
          properties: {
            [p.title]: { title: richText(clip(normalizeNewlines(input.title), ITEMS_MAX * MAX_TEXT * 0.8)) },
            [p.reference]: { rich_text: richText(input.reference) },
            [p.tags]: { multi_select: (input.tags ?? []).map((name) => ({ name: name.replace(/,/g, ' ') })) },
          },
          children: articleBlocks([
            ['Problem', input.problem],
            ['Solution', input.solution],
          ]),
        }),
      { idempotent: false, signal },
    );
    const parsed = expectShape(NOTION, 'create page', Page, page);
    return { id: parsed.id, title: input.title, reference: input.reference, url: parsed.url };
  }

  async findByReference(reference: string, opts: { knownId?: string } = {}): Promise<Article | null> {
    if (opts.knownId) return this.retrieve(opts.knownId, reference);
    const dataSourceId = await this.resolveDataSource();
    const p = this.config.properties;
    const result = await this.gateway.call(
      NOTION,
      'queryDataSource',
      () => this.client.dataSources.query({ data_source_id: dataSourceId, filter: { property: p.reference, rich_text: { equals: reference } }, page_size: 1 }),
      { idempotent: true },
    );
    const hit = expectShape(NOTION, 'query', QueryResult, result).results[0];
    if (!hit) return null;
    return { id: hit.id, title: plainTitle(hit.properties?.[p.title]), reference, url: hit.url };
  }

  /** The page with this id, when it is (still) the article for `reference`. */
  private async retrieve(pageId: string, reference: string): Promise<Article | null> {
    let page: unknown;
    try {
      page = await this.gateway.call(NOTION, 'retrievePage', () => this.client.pages.retrieve({ page_id: pageId }), { idempotent: true });
    } catch (err) {
      if (err instanceof ConnectorError && err.kind === 'not_found') return null;
      throw err;
    }
    const p = this.config.properties;
    const hit = expectShape(NOTION, 'retrieve page', Page.extend({ in_trash: z.boolean().optional(), archived: z.boolean().optional() }), page);
    if (hit.in_trash || hit.archived || plainText(hit.properties?.[p.reference]) !== reference) return null;
    return { id: hit.id, title: plainTitle(hit.properties?.[p.title]), reference, url: hit.url };
  }

  /** The database's first data source, looked up once (a failed lookup is retried next time). */
  private resolveDataSource(): Promise<string> {
    this.dataSourceId ??= this.gateway
      .call(NOTION, 'retrieveDatabase', () => this.client.databases.retrieve({ database_id: this.config.databaseId }), { idempotent: true })
      .then((db) => expectShape(NOTION, 'retrieve database', Database, db).data_sources[0]!.id);
    this.dataSourceId.catch(() => (this.dataSourceId = undefined));
    return this.dataSourceId;
  }
}

function plainTitle(prop: unknown): string {
  const title = (prop as { title?: { plain_text?: string; text?: { content?: string } }[] } | undefined)?.title ?? [];
  return title.map((t) => t.plain_text ?? t.text?.content ?? '').join('');
}

function plainText(prop: unknown): string {
  const items = (prop as { rich_text?: { plain_text?: string; text?: { content?: string } }[] } | undefined)?.rich_text ?? [];
  return items.map((t) => t.plain_text ?? t.text?.content ?? '').join('');
}
