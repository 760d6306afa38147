/**
 * Salesforce for the sales team: the pipeline of the User whose email the sales user's token
 * carries (an aggregate SOQL on Opportunity, open ones grouped by stage), and what a user asked
 * for written to fields of their own Lead. Every value in SOQL is a quoted, escaped literal.
 */
import { z } from 'zod';
import { expectShape } from '../kit/connector-error';
import { bySoonestClose } from '../kit/pipeline';
import type { ContactProperties, CrmPerson, PipelineOwner, PipelineSummary } from '../../ports/crm';

/** The Lead fields each property is written to (custom Text fields the org adds; see docs/connectors.md). */
export interface LeadPropertyFields {
  productInterest: string;
  preferredContactTime: string;
}

export const DEFAULT_LEAD_PROPERTY_FIELDS: LeadPropertyFields = { productInterest: 'Product_Interest__c', preferredContactTime: 'Preferred_Contact_Time__c' };

/** A custom Text field holds at most 255 characters. */
const TEXT_FIELD_MAX = 255;

const Users = z.object({ records: z.array(z.object({ Id: z.string() }).catchall(z.unknown())) });
/** AggregateResult rows carry the aliases of the query's expressions. */
const StageRows = z.object({
  records: z.array(
    z.object({ StageName: z.string().nullable(), n: z.number(), total: z.number().nullable().optional(), next: z.string().nullable().optional() }).catchall(z.unknown()),
  ),
});

export interface SalesforceSalesAccess {
  connector: string;
  /** A SOQL query through the gateway (a read: retried like one). */
  query(operation: string, soql: string): Promise<unknown>;
  literal(value: string): string;
}

/**
 * An email may belong to several Users (only usernames are unique): the pipeline is that of
 * every active one. Stages come as Salesforce names them; the soonest to close first.
 */
export async function salesforcePipeline(sf: SalesforceSalesAccess, owner: PipelineOwner): Promise<PipelineSummary> {
  const users = expectShape(sf.connector, 'user query', Users, await sf.query('queryOwner', `SELECT Id FROM User WHERE Email = ${sf.literal(owner.email)} AND IsActive = true LIMIT 20`));
  if (users.records.length === 0) return { ownerFound: false, stages: [] };
  const owners = users.records.map((u) => sf.literal(u.Id)).join(', ');
  const soql = `SELECT StageName, COUNT(Id) n, SUM(Amount) total, MIN(CloseDate) next FROM Opportunity WHERE IsClosed = false AND OwnerId IN (${owners}) GROUP BY StageName`;
  const rows = expectShape(sf.connector, 'pipeline query', StageRows, await sf.query('queryPipeline', soql)).records;
  const stages = rows.map((r) => ({ stage: r.StageName ?? '(no stage)', count: r.n, amount: r.total ?? 0, ...(r.next ? { nextCloseDate: r.next.slice(0, 10) } : {}) }));
  return { ownerFound: true, stages: stages.sort(bySoonestClose) };
}

/** The Lead's fields for the properties given, each within a Text field's length. */
export function leadPropertyRecord(properties: ContactProperties, fields: LeadPropertyFields): Record<string, string> {
  const record: Record<string, string> = {};
  if (properties.productInterest !== undefined) record[fields.productInterest] = clipUtf16(properties.productInterest, TEXT_FIELD_MAX);
  if (properties.preferredContactTime !== undefined) record[fields.preferredContactTime] = clipUtf16(properties.preferredContactTime, TEXT_FIELD_MAX);
  return record;
}

/** Writes the fields on the Lead with the email; null when there is none (nothing is created). */
export async function updateLeadProperties(
  findLead: (email: string) => Promise<CrmPerson | null>,
  update: (record: Record<string, string>) => Promise<void>,
  email: string,
  properties: ContactProperties,
  fields: LeadPropertyFields,
): Promise<{ id: string } | null> {
  const lead = await findLead(email);
  if (!lead) return null;
  await update({ Id: lead.id, ...leadPropertyRecord(properties, fields) });
  return { id: lead.id };
}

/** Cut to `max` UTF-16 units without leaving half of a surrogate pair. */
function clipUtf16(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
