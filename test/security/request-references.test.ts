/**
 * Finding 14 of the security audit (#13): two different Dialogflow CX `file_ticket` calls in one
 * session whose last utterance was "yes" were folded into one ticket, and the second was never
 * filed: the request reference ignored what was being filed (CX turns carry no timestamps).
 * The reference now covers the content; a re-sent identical call still files once.
 */
import { fileTicket } from '../../actions/file-ticket';
import { LocalTicketing } from '../../src/connectors/local/ticketing';
import { actionPorts } from '../../src/delivery/action-ports';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { migrate, type PgliteStore } from '../../src/store';
import { testDeliveryConfig } from '../support/delivery';
import { cxRequest, postJson, startDialogflowServer, type StartedServer } from '../support/dialogflow';
import { openMemoryPglite } from '../support/pglite-template';
import { registryOf } from '../support/server';

describe('request references of tickets filed through Dialogflow CX', () => {
  let store: PgliteStore;
  let runtime: DeliveryRuntime;
  let srv: StartedServer;
  beforeAll(async () => {
    store = await openMemoryPglite();
    await migrate(store);
    const ticketing = new LocalTicketing(store, 'LOCAL');
    runtime = createDeliveryRuntime({ store, ports: { ticketing }, config: testDeliveryConfig({ budgetMs: 5_000 }) });
    srv = await startDialogflowServer(registryOf(fileTicket), { services: actionPorts({ ticketing }, runtime.delivery) });
  });
  afterAll(async () => {
    await srv?.close();
    await runtime?.stop();
    await store?.close();
  });

  const fileIt = async (summary: string) => {
    const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'file_ticket', text: 'yes', parameters: { ticket_summary: summary, ticket_description: `${summary}, since this morning.` } }));
    expect(res.status).toBe(200);
    const body = res.body as { sessionInfo?: { parameters?: Record<string, unknown> } };
    return body.sessionInfo?.parameters?.ticket_key;
  };

  it('files two different tickets after the same words, and one ticket when the same call is re-sent', async () => {
    const first = await fileIt('Export fails');
    const second = await fileIt('Login page is blank');
    const again = await fileIt('Login page is blank');
    expect(first).toMatch(/^LOCAL-\d+$/);
    expect(second).toMatch(/^LOCAL-\d+$/);
    expect(second).not.toBe(first);
    expect(again).toBe(second);
    const { rows } = await store.query<{ summary: string }>('SELECT summary FROM local_tickets ORDER BY key');
    expect(rows.map((r) => r.summary)).toEqual(['Export fails', 'Login page is blank']);
  });
});
