/**
 * HubSpot for the sales team: the pipeline of the owner whose email the sales user's token
 * carries (owners API by email, deal pipelines for the stages' labels and which stages are closed,
 * then the deals search paged 200 at a time: HubSpot's search gives at most 10,000 results), and
 * what a user asked for written to properties of their own contact, read by its unique email.
 */
import type { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/deals';
import { z } from 'zod';
import { ConnectorError, expectShape } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import { bySoonestClose } from '../kit/pipeline';
import type { ContactProperties, PipelineOwner, PipelineStage, PipelineSummary } from '../../ports/crm';

/** The contact properties each one is written to (custom properties the portal must have; see docs/connectors.md). */
export interface ContactPropertyNames {
  productInterest: string;
  preferredContactTime: string;
}

const PAGE = 200;
const SEARCH_MAX = 10_000;

const Owners = z.object({ results: z.array(z.object({ id: z.string(), email: z.string().nullable().optional() }).catchall(z.unknown())) });
const Pipelines = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      stages: z.array(z.object({ id: z.string(), label: z.string(), displayOrder: z.number().optional(), metadata: z.record(z.string(), z.unknown()).optional() }).catchall(z.unknown())),
    }).catchall(z.unknown()),
  ),
});
const Deals = z.object({
  total: z.number(),
  results: z.array(z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable().optional()) }).catchall(z.unknown())),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).nullable().optional(),
});

export interface HubspotSalesAccess {
  connector: string;
  client: Client;
  gateway: Gateway;
}

const read = <T>(hs: HubspotSalesAccess, operation: string, fn: () => Promise<T>) => hs.gateway.call(hs.connector, operation, fn, { idempotent: true });

export async function hubspotPipeline(hs: HubspotSalesAccess, owner: PipelineOwner): Promise<PipelineSummary> {
  const found = expectShape(hs.connector, 'owners', Owners, await read(hs, 'getOwners', () => hs.client.crm.owners.ownersApi.getPage(owner.email, undefined, 100, false)));
  // The API's email filter is HubSpot's; the comparison here is ours.
  const ownerIds = found.results.filter((o) => o.email?.toLowerCase() === owner.email.toLowerCase()).map((o) => o.id);
  if (ownerIds.length === 0) return { ownerFound: false, stages: [] };

  const pipelines = expectShape(hs.connector, 'deal pipelines', Pipelines, await read(hs, 'getDealPipelines', () => hs.client.crm.pipelines.pipelinesApi.getAll('deals'))).results;
  const several = pipelines.length > 1;
  const stageNames = new Map<string, string>();
  const closed: string[] = [];
  for (const p of pipelines) {
    for (const s of p.stages) {
      stageNames.set(s.id, several ? `${p.label}: ${s.label}` : s.label);
      if (String(s.metadata?.isClosed) === 'true') closed.push(s.id);
    }
  }

  const filters = [
    ownerIds.length === 1 ? { propertyName: 'hubspot_owner_id', operator: FilterOperatorEnum.Eq, value: ownerIds[0] } : { propertyName: 'hubspot_owner_id', operator: FilterOperatorEnum.In, values: ownerIds },
    ...(closed.length > 0 ? [{ propertyName: 'dealstage', operator: FilterOperatorEnum.NotIn, values: closed }] : []),
  ];
  const byStage = new Map<string, PipelineStage>();
  const currencies = new Set<string>();
  let after: string | undefined;
  let seen = 0;
  let total = 0;
  do {
    const request = { filterGroups: [{ filters }], properties: ['dealstage', 'amount', 'closedate', 'deal_currency_code'], limit: PAGE, ...(after ? { after } : {}) };
    const page = expectShape(hs.connector, 'deal search', Deals, await read(hs, 'searchDeals', () => hs.client.crm.deals.searchApi.doSearch(request)));
    total = page.total;
    for (const deal of page.results) {
      const p = deal.properties;
      const id = p.dealstage ?? '';
      const stage = byStage.get(id) ?? { stage: stageNames.get(id) ?? (id || '(no stage)'), count: 0, amount: 0 };
      stage.count++;
      const amount = Number.parseFloat(p.amount ?? '');
      if (Number.isFinite(amount)) stage.amount += amount;
      const close = p.closedate?.slice(0, 10);
      if (close && (!stage.nextCloseDate || close < stage.nextCloseDate)) stage.nextCloseDate = close;
      if (p.deal_currency_code) currencies.add(p.deal_currency_code);
      byStage.set(id, stage);
    }
    seen += page.results.length;
    after = page.paging?.next?.after;
    // The search refuses to page past its 10,000th result.
  } while (after && seen < SEARCH_MAX);
  return {
    ownerFound: true,
    stages: [...byStage.values()].sort(bySoonestClose),
    ...(currencies.size === 1 ? { currency: [...currencies][0] } : {}),
    ...(total > seen ? { partial: true } : {}),
  };
}

/**
 * PATCH of the contact read by its unique email (no search, whose index lags): the same values
 * again leave it as it was, so the gateway may retry it. No contact: null.
 */
export async function updateHubspotContactProperties(
  hs: HubspotSalesAccess,
  email: string,
  properties: ContactProperties,
  names: ContactPropertyNames,
  signal?: AbortSignal,
): Promise<{ id: string } | null> {
  const values: Record<string, string> = {};
  if (properties.productInterest !== undefined) values[names.productInterest] = properties.productInterest;
  if (properties.preferredContactTime !== undefined) values[names.preferredContactTime] = properties.preferredContactTime;
  try {
    const updated = await hs.gateway.call(hs.connector, 'updateContactProperties', () => hs.client.crm.contacts.basicApi.update(email, { properties: values }, 'email'), { idempotent: true, signal });
    return { id: expectShape(hs.connector, 'contact update', z.object({ id: z.string() }).catchall(z.unknown()), updated).id };
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'not_found') return null;
    throw err;
  }
}
