/**
 * Durable delivery against a loopback vendor fake on a fresh PostgreSQL schema: the real outbox,
 * gateway, Jira adapter and handlers, with fast policies so faults play out in seconds.
 */
import type { DeliveryConfig } from '../../src/delivery/config';
import { Gateway, type ConnectorPolicy } from '../../src/connectors/kit/gateway';
import type { WorkflowConfig } from '../../src/connectors/workflow/config';
import { WorkflowWebhook } from '../../src/connectors/workflow/webhook';
import { actionPorts } from '../../src/delivery/action-ports';
import type { ActionServices } from '../../src/sdk/services';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { JiraTicketing, type JiraOptions } from '../../src/connectors/jira';
import { FakeJira } from './fakes/jira';
import { silentLogger } from '../../src/observability/logger';
import { migrate, type PgStore } from '../../src/store';
import { TEST_POLICY } from './policy';
import { createPgSchema, type PgSchema } from './stores';

export { TEST_POLICY };

export const JIRA_AUTH = { email: 'bot@example.com', apiToken: 'jira-token' };

export function testDeliveryConfig(over: Partial<DeliveryConfig> = {}): DeliveryConfig {
  return {
    budgetMs: 3_000,
    maxAttempts: 40,
    retryBaseMs: 20,
    retryMaxMs: 200,
    pollMs: 25,
    leaseMs: 10_000,
    hooks: { secrets: {}, toleranceSeconds: 300 },
    ...over,
  };
}

export interface JiraDeliveryHarness {
  jira: FakeJira;
  gateway: Gateway;
  ticketing: JiraTicketing;
  runtime: DeliveryRuntime;
  /** What actions are given over this delivery (as the composition root builds it). */
  services: ActionServices;
  store: PgStore;
  schema: PgSchema;
  close(): Promise<void>;
}

export async function startJiraDelivery(
  opts: { policy?: Partial<ConnectorPolicy>; config?: Partial<DeliveryConfig>; workflow?: WorkflowConfig; jira?: JiraOptions } = {},
): Promise<JiraDeliveryHarness> {
  const schema = await createPgSchema();
  const store = schema.store(6);
  await migrate(store);
  const jira = await new FakeJira(JIRA_AUTH).start();
  const gateway = new Gateway({ defaults: { ...TEST_POLICY, ...opts.policy } });
  const ticketing = new JiraTicketing({ host: jira.url, ...JIRA_AUTH, projectKey: 'SUP', issueType: 'Task', labels: ['chatbot'] }, gateway, opts.jira);
  const workflow = opts.workflow && new WorkflowWebhook(opts.workflow, gateway);
  const systems = { ticketing, ...(workflow ? { workflow } : {}) };
  const runtime = createDeliveryRuntime({ store, ports: systems, config: testDeliveryConfig(opts.config), logger: silentLogger() });
  return {
    services: actionPorts(systems, runtime.delivery),
    jira,
    gateway,
    ticketing,
    runtime,
    store,
    schema,
    async close() {
      await runtime.stop();
      await jira.stop();
      await store.close();
      await schema.drop();
    },
  };
}

export function ticketJob(n: number | string) {
  return {
    type: 'ticket.create',
    idempotencyKey: `test:${n}`,
    payload: { summary: `Problem ${n}`, description: `Details of problem ${n}`, severity: 'high', reference: `ref${n}` },
  };
}

/** Polls until `check` holds; fails the test with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const CREATE = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/rest/api/3/issue';
export const SEARCH = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/rest/api/3/search/jql';
