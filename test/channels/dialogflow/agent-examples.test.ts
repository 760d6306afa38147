/**
 * The ES and CX agent exports in docs/examples parse as the JSON Dialogflow exports, and every
 * intent with the webhook on and every webhook tag reaches a shipped action through the shipped
 * mapping, so an imported agent answers every route (none gets the "can't help" fallback).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadActionsDir } from '../../../src/sdk/load-actions';
import { loadMapping } from '../../../src/channels/dialogflow/mapping';
import { cxRoute, esRoute } from '../../../src/channels/dialogflow/route-check';
import { ROOT } from '../../support/process';

const registry = loadActionsDir(path.join(ROOT, 'actions'));
const mapping = loadMapping(path.join(ROOT, 'dialogflow.mapping.json'));
const ES = path.join(ROOT, 'docs/examples/dialogflow-es-agent');
const CX = path.join(ROOT, 'docs/examples/dialogflow-cx-agent');

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
const filesUnder = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f));
const slotsOf = (action: string) => registry.get(action)?.slotNames ?? [];

interface EsIntent {
  name: string;
  webhookUsed: boolean;
  responses: { action: string; parameters: { name: string; dataType: string; required: boolean }[] }[];
}

describe('docs/examples: Dialogflow ES agent export', () => {
  const intentFiles = fs.readdirSync(path.join(ES, 'intents')).filter((f) => !f.includes('_usersays_'));

  it('has the files an ES import expects', () => {
    expect(readJson(path.join(ES, 'package.json'))).toEqual({ version: '1.0.0' });
    expect(readJson(path.join(ES, 'agent.json'))).toMatchObject({ language: 'en', webhook: { url: expect.stringMatching(/\/dialogflow\/es$/), available: true } });
    expect(intentFiles.length).toBeGreaterThanOrEqual(4);
    for (const f of intentFiles) expect(fs.existsSync(path.join(ES, 'intents', f.replace(/\.json$/, '_usersays_en.json')))).toBe(true);
  });

  it.each(intentFiles)('%s: webhook on, routes to a shipped action whose slots are the intent parameters', (file) => {
    const intent = readJson(path.join(ES, 'intents', file)) as EsIntent;
    expect(intent.name).toBe(file.replace(/\.json$/, ''));
    expect(intent.webhookUsed).toBe(true);
    const action = esRoute(mapping, registry, intent.name, intent.responses[0]!.action || null);
    expect(action).not.toBeNull();
    for (const p of intent.responses[0]!.parameters) expect(slotsOf(action!)).toContain(p.name);
    const says = readJson(path.join(ES, 'intents', file.replace(/\.json$/, '_usersays_en.json'))) as { data: { alias?: string }[] }[];
    expect(says.length).toBeGreaterThan(0);
    const aliases = says.flatMap((s) => s.data.map((d) => d.alias).filter(Boolean));
    for (const a of aliases) expect(intent.responses[0]!.parameters.map((p) => p.name)).toContain(a);
  });

  it('the documented names route: "Order Status" to action_fetch_order, "File Ticket" by the default rule', () => {
    expect(esRoute(mapping, registry, 'Order Status')).toBe('action_fetch_order');
    expect(esRoute(mapping, registry, 'File Ticket')).toBe('action_file_ticket');
  });
});

interface Fulfillment {
  webhook?: string;
  tag?: string;
}

/** Every fulfillment object in a flow or page file, wherever CX keeps one. */
function fulfillments(node: unknown, out: Fulfillment[] = []): Fulfillment[] {
  if (Array.isArray(node)) for (const n of node) fulfillments(n, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (/Fulfillment$/.test(k) && typeof v === 'object' && v !== null) out.push(v as Fulfillment);
      fulfillments(v, out);
    }
  }
  return out;
}

describe('docs/examples: Dialogflow CX agent export', () => {
  const flowFiles = filesUnder(path.join(CX, 'flows'));
  const webhooks = filesUnder(path.join(CX, 'webhooks')).map((f) => readJson(f) as { displayName: string; genericWebService: { uri: string } });

  it('has an agent, a webhook pointing at /dialogflow/cx, a start flow and pages', () => {
    expect(readJson(path.join(CX, 'agent.json'))).toMatchObject({ displayName: expect.any(String), defaultLanguageCode: 'en', startFlow: 'Default Start Flow' });
    expect(webhooks).toEqual([expect.objectContaining({ displayName: 'actionbridge', genericWebService: expect.objectContaining({ uri: expect.stringMatching(/\/dialogflow\/cx$/) }) })]);
    expect(flowFiles.map((f) => path.basename(f)).sort()).toEqual(['Default Start Flow.json', 'Order Status.json', 'Ticket.json']);
  });

  const hooks = flowFiles.flatMap((f) => fulfillments(readJson(f)).filter((x) => x.webhook !== undefined).map((x) => ({ file: path.basename(f), ...x })));

  it('every fulfillment that calls the webhook names the agent webhook and a tag that routes to a shipped action', () => {
    expect(hooks.map((h) => h.tag).sort()).toEqual(['file_ticket', 'order_status', 'validate_ticket_form', 'validate_ticket_form', 'welcome']);
    for (const h of hooks) {
      expect(webhooks.map((w) => w.displayName)).toContain(h.webhook);
      expect({ tag: h.tag, action: cxRoute(mapping, registry, h.tag ?? '') }).toEqual({ tag: h.tag, action: expect.stringMatching(/^(action|validate)_/) });
    }
  });

  it('form parameters are the slots their actions read, and every page a route names exists', () => {
    const pages = new Map(filesUnder(path.join(CX, 'flows/Default Start Flow/pages')).map((f) => [path.basename(f, '.json'), readJson(f) as { displayName: string; form: { parameters: { displayName: string }[] } }]));
    expect([...slotsOf('action_file_ticket')].sort()).toEqual(pages.get('Ticket')!.form.parameters.map((p) => p.displayName).sort());
    expect(slotsOf('action_fetch_order')).toEqual(expect.arrayContaining(pages.get('Order Status')!.form.parameters.map((p) => p.displayName)));
    const targets = flowFiles.flatMap((f) => JSON.stringify(readJson(f)).match(/"targetPage":"[^"]+"/g) ?? []).map((t) => t.slice(14, -1));
    for (const t of targets) expect(t === 'END_FLOW' || pages.has(t)).toBe(true);
  });
});
