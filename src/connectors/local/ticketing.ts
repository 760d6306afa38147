/** The local ticketing system: tickets keyed PREFIX-n in the store, with who filed them. */
import type { CreatedTicket, TicketInput, TicketStatus, TicketingSystem } from '../../ports/ticketing';
import { AppError } from '../../errors';
import type { Queryable } from '../../store';

export class LocalTicketing implements TicketingSystem {
  readonly provider = 'local';
  constructor(
    private readonly db: Queryable,
    private readonly prefix = 'LOCAL',
  ) {}

  async createTicket(input: TicketInput): Promise<CreatedTicket> {
    if (input.reference) {
      const { rows } = await this.db.query<{ key: string }>('SELECT key FROM local_tickets WHERE reference = $1', [input.reference]);
      if (rows[0]) return { key: rows[0].key };
    }
    const { rows } = await this.db.query<{ key: string }>(
      `INSERT INTO local_tickets (key, summary, description, severity, labels, conversation_excerpt, reference, filed_by_conversation, filed_by_customer)
       VALUES ($1 || '-' || nextval('local_ticket_seq'), $2, $3, $4, $5::jsonb, $6, $7, $8, $9)
       ON CONFLICT (reference) DO UPDATE SET reference = EXCLUDED.reference
       RETURNING key`,
      [
        this.prefix,
        input.summary,
        input.description,
        input.severity,
        JSON.stringify(input.labels ?? []),
        input.conversationExcerpt ?? null,
        input.reference ?? null,
        input.filedBy?.conversation ?? null,
        input.filedBy?.customer ?? null,
      ],
    );
    return { key: rows[0]!.key };
  }

  async getStatus(key: string): Promise<TicketStatus> {
    const { rows } = await this.db.query<{ key: string; status: string; summary: string; conversation: string | null; customer: string | null }>(
      'SELECT key, status, summary, filed_by_conversation AS conversation, filed_by_customer AS customer FROM local_tickets WHERE upper(key) = upper($1)',
      [key],
    );
    const r = rows[0];
    if (!r) throw new AppError('not_found', `There is no ticket ${key}.`);
    const filedBy = r.conversation ? { conversation: r.conversation, ...(r.customer ? { customer: r.customer } : {}) } : undefined;
    return { key: r.key, status: r.status, summary: r.summary, ...(filedBy ? { filedBy } : {}) };
  }

  async addComment(key: string, text: string): Promise<{ id: string }> {
    const ticket = await this.getStatus(key);
    const { rows } = await this.db.query<{ id: string }>('INSERT INTO local_ticket_comments (ticket_key, body) VALUES ($1, $2) RETURNING id::text AS id', [ticket.key, text]);
    return { id: rows[0]!.id };
  }
}
