/** The local knowledge base: articles in the store, one per reference. */
import { randomUUID } from 'node:crypto';
import type { Article, ArticleInput, KnowledgeBaseSystem } from '../../ports/knowledge-base';
import type { Queryable } from '../../store';

export class LocalKnowledgeBase implements KnowledgeBaseSystem {
  readonly provider = 'local';
  constructor(private readonly db: Queryable) {}

  async createArticle(input: ArticleInput): Promise<Article> {
    // Documenting the same ticket twice updates its article instead of adding a second one.
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO local_articles (id, title, problem, solution, reference, tags)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (reference) DO UPDATE SET title = EXCLUDED.title, problem = EXCLUDED.problem, solution = EXCLUDED.solution, tags = EXCLUDED.tags
       RETURNING id`,
      [`kb_${randomUUID()}`, input.title, input.problem, input.solution, input.reference, JSON.stringify(input.tags ?? [])],
    );
    return { id: rows[0]!.id, title: input.title, reference: input.reference };
  }

  async findByReference(reference: string): Promise<Article | null> {
    const { rows } = await this.db.query<{ id: string; title: string; reference: string }>('SELECT id, title, reference FROM local_articles WHERE reference = $1', [reference]);
    return rows[0] ?? null;
  }
}
