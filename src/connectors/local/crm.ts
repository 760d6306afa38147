/** The local CRM: leads and activities in the store (embedded PGlite or PostgreSQL). */
import { randomUUID } from 'node:crypto';
import type { ActivityInput, CreatedLead, CrmSystem, CrmPerson, LeadInput } from '../../ports/crm';
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
}
