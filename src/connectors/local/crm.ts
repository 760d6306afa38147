/** The local CRM: leads and activities in the store (embedded PGlite or PostgreSQL). */
import { randomUUID } from 'node:crypto';
import type { ActivityInput, ContactProperties, CreatedLead, CrmSystem, CrmPerson, LeadInput, PipelineOwner, PipelineSummary } from '../../ports/crm';
import type { Queryable } from '../../store';

export class LocalCrm implements CrmSystem {
  readonly provider = 'local';
  constructor(private readonly db: Queryable) {}

  async findByEmail(email: string): Promise<CrmPerson | null> {
    const { rows } = await this.db.query<{ id: string; email: string; name: string; company: string | null }>(
      'SELECT id, email, name, company FROM local_leads WHERE lower(email) = lower($1)',
      [email],
    );
    const r = rows[0];
    return r ? { id: r.id, email: r.email, name: r.name, company: r.company ?? undefined } : null;
  }

  async createLead(lead: LeadInput): Promise<CreatedLead> {
    // The unique index decides, so two conversations with the same email cannot both create one.
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO local_leads (id, email, name, company, interest, source)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING id`,
      [`lead_${randomUUID()}`, lead.email, lead.name, lead.company ?? null, lead.interest ?? null, lead.source ?? 'Chatbot'],
    );
    if (rows[0]) return { id: rows[0].id, existed: false };
    // A second statement: it sees the conflicting row even when that was committed after the first began.
    const existing = await this.findByEmail(lead.email);
    if (!existing) throw new Error(`local CRM: no lead for ${lead.email} after a conflict on its email`);
    return { id: existing.id, existed: true };
  }

  async logActivity(personId: string, activity: ActivityInput): Promise<{ id: string }> {
    const id = `act_${randomUUID()}`;
    await this.db.query('INSERT INTO local_activities (id, lead_id, subject, body, at) VALUES ($1, $2, $3, $4, $5)', [
      id,
      personId,
      activity.subject,
      activity.body,
      (activity.at ?? new Date()).toISOString(),
    ]);
    return { id };
  }

  /** Open deals of the owner by stage; the owner is known when any deal, open or closed, is theirs. */
  async pipeline(owner: PipelineOwner): Promise<PipelineSummary> {
    const { rows } = await this.db.query<{ stage: string | null; n: number; total: number; next: string | null; currencies: string[] | null; known: boolean }>(
      `SELECT d.stage, count(d.id)::int AS n, coalesce(sum(d.amount), 0)::float8 AS total, to_char(min(d.close_date), 'YYYY-MM-DD') AS next,
              array_agg(DISTINCT d.currency) AS currencies,
              EXISTS (SELECT 1 FROM local_deals o WHERE lower(o.owner_email) = lower($1)) AS known
         FROM (SELECT 1) one
         LEFT JOIN local_deals d ON lower(d.owner_email) = lower($1) AND NOT d.is_closed
        GROUP BY d.stage
        ORDER BY min(d.close_date) NULLS LAST, d.stage`,
      [owner.email],
    );
    const open = rows.filter((r) => r.stage !== null);
    const currencies = new Set(open.flatMap((r) => r.currencies ?? []));
    return {
      ownerFound: rows[0]?.known ?? false,
      stages: open.map((r) => ({ stage: r.stage!, count: r.n, amount: Number(r.total), ...(r.next ? { nextCloseDate: r.next } : {}) })),
      ...(currencies.size === 1 ? { currency: [...currencies][0] } : {}),
    };
  }

  async updateContactProperties(email: string, properties: ContactProperties): Promise<{ id: string } | null> {
    const set = Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== undefined));
    const { rows } = await this.db.query<{ id: string }>(
      "UPDATE local_leads SET properties = properties || $2::jsonb, updated_at = now() WHERE lower(email) = lower($1) RETURNING id",
      [email, JSON.stringify(set)],
    );
    return rows[0] ? { id: rows[0].id } : null;
  }
}
