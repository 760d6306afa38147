/** The local CRM: leads and activities in the store (embedded PGlite or PostgreSQL). */
import { randomUUID } from 'node:crypto';
import type { ActivityInput, CrmSystem, CrmPerson, LeadInput, UpsertResult } from '../../ports/crm';
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

  async upsertLead(lead: LeadInput): Promise<UpsertResult> {
    // One statement, so two conversations with the same email cannot both create a lead.
    // xmax is 0 only on a freshly inserted row version.
    const { rows } = await this.db.query<{ id: string; created: boolean }>(
      `INSERT INTO local_leads (id, email, name, company, interest, source)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ((lower(email))) DO UPDATE SET
         name = EXCLUDED.name,
         company = COALESCE(EXCLUDED.company, local_leads.company),
         interest = COALESCE(EXCLUDED.interest, local_leads.interest),
         updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [`lead_${randomUUID()}`, lead.email, lead.name, lead.company ?? null, lead.interest ?? null, lead.source ?? 'Chatbot'],
    );
    const r = rows[0]!;
    return { id: r.id, created: r.created };
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
}
