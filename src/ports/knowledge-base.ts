/** What actions need from a knowledge base (Notion, the local store). */

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

export interface KnowledgeBase {
  readonly provider: string;
  createArticle(input: ArticleInput): Promise<Article>;
  findByReference(reference: string): Promise<Article | null>;
}
