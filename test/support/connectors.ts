/**
 * Drives the actions that act in company systems through a real /webhook on 127.0.0.1, with ports built from an
 * environment exactly as the server builds them, pointed at a vendor fake when asked.
 */
import request from 'supertest';
import { createLead } from '../../actions/create-lead';
import { documentSolution } from '../../actions/document-solution';
import { fileTicket } from '../../actions/file-ticket';
import { leadForm } from '../../actions/lead-form';
import { pipelineSummary } from '../../actions/pipeline-summary';
import { recordInterest } from '../../actions/record-interest';
import { ticketForm } from '../../actions/ticket-form';
import { ticketStatus } from '../../actions/ticket-status';
import { loadConnectorsConfig } from '../../src/connectors/config';
import { createSystems, type Systems } from '../../src/connectors/registry';
import { actionPorts } from '../../src/delivery/action-ports';
import { Gateway, type ConnectorPolicy } from '../../src/connectors/kit/gateway';
import { silentLogger, type Logger } from '../../src/observability/logger';
import { ActionRegistry } from '../../src/sdk/registry';
import type { TrackerSpec } from '../../src/sdk/testkit';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { JwtIdentityVerifier } from '../../src/identity/jwt-verifier';
import { AUDIENCE, ISSUER, SECRET, hsToken } from './tokens';
import { LazyStore, migrate, type Store } from '../../src/store';
import { TEST_POLICY } from './policy';
import { replyOf, webhookBody } from './webhook-body';
import { openMemoryPglite } from './pglite-template';


export function companyActionsRegistry(): ActionRegistry {
  const r = new ActionRegistry();
  for (const a of [createLead, fileTicket, ticketStatus, documentSolution, leadForm, ticketForm, pipelineSummary, recordInterest]) r.register(a);
  return r;
}

/** A PGlite store in memory, migrated on first use (vendor-only tests never open it). */
export function memoryStore(): LazyStore {
  return new LazyStore('embedded', async () => {
    const s: Store = await openMemoryPglite();
    await migrate(s);
    return s;
  });
}

export interface CallOutcome {
  status: number;
  body: { events?: { event: string; name?: string; value?: unknown }[]; responses?: { text: string | null }[] } & Record<string, unknown>;
  texts: string[];
  slots: Record<string, unknown>;
}

export interface Harness {
  /** The systems the actions' ports are built over (direct, no outbox). */
  ports: Systems;
  call(action: string, spec: TrackerSpec): Promise<CallOutcome>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string>, policy: Partial<ConnectorPolicy> = {}, logger: Logger = silentLogger()): Promise<Harness> {
  const config = loadConnectorsConfig(env);
  const store = memoryStore();
  const gateway = new Gateway({ defaults: { ...TEST_POLICY, ...policy }, logger });
  const ports = createSystems(config, { store, gateway });
  const server: ActionServer = createActionServer({
    config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 },
    registry: companyActionsRegistry(),
    logger,
    // Identity tokens are configured, as they must be for anyone to be a support agent.
    services: { ...actionPorts(ports), identity: new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE }) },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    ports,
    async call(action, spec) {
      const res = await request(url).post('/webhook').send(webhookBody(action, spec));
      return { status: res.status, body: res.body as CallOutcome['body'], ...replyOf(res.body) };
    },
    async close() {
      await server.shutdown();
      await store.close();
    },
  };
}

/** Latest-message metadata with an identity token: a support agent's, or a customer's when `sub` is given. */
export async function tokenMetadata(spec: { sub?: string; agent?: boolean } = { agent: true }): Promise<Record<string, unknown>> {
  const token = await hsToken({ sub: spec.sub ?? 'agent-7', claims: spec.agent ? { roles: ['agent'] } : {} });
  return { identity_token: token };
}

/** A short conversation to quote in tickets and activities. */
export const CONVERSATION: TrackerSpec['events'] = [
  { event: 'user', text: 'hi, the export button gives me an error', timestamp: 1 },
  { event: 'bot', text: 'Sorry to hear that. In one line, what is the problem?', timestamp: 2 },
];
