/**
 * Knowledge bases (Notion, the local store): `KnowledgeBaseSystem` is what a connector
 * implements, `KnowledgeBase` what an action is given (writing goes through durable delivery).
 */
import type { Handed } from './durable';

export interface ArticleInput {
  title: string;
  problem: string;
  solution: string;
  /** What the article documents, e.g. the ticket key; unique per article. */
  reference: string;
  tags?: string[];
}

export interface Article {
  id: string;
  title: string;
  reference: string;
  url?: string;
}

export interface KnowledgeBaseSystem {
  readonly provider: string;
  createArticle(input: ArticleInput, opts?: { signal?: AbortSignal }): Promise<Article>;
  /**
   * The article with this reference. `knownId`, the id a create answered with, lets the system
   * read that article directly, which is consistent where its query is not.
   */
  findByReference(reference: string, opts?: { knownId?: string }): Promise<Article | null>;
  /**
   * How long after a create `findByReference` may still miss it unless `knownId` names it;
   * absent or 0: a "not there" is true at once.
   */
  readonly searchConsistencyMs?: number;
}

export interface DocumentedSolution {
  url?: string;
  /** True when an article with this reference was already there (nothing new was written). */
  existed: boolean;
}

export interface KnowledgeBase {
  readonly provider: string;
  /**
   * Writes the article unless one with its reference exists (once per `requestKey`), and notes it
   * on the ticket `commentOnTicket` when given.
   */
  documentSolution(article: ArticleInput, opts: { commentOnTicket?: string }, requestKey: string): Promise<Handed<DocumentedSolution>>;
}
