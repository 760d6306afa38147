/**
 * A CX ticket form page from entry to filing, with the shipped validate_ticket_form and
 * action_file_ticket: before (nothing collected), during (a value rejected, then accepted) and
 * after filing, when action_file_ticket clears the form's slots. Clearing after the work is done
 * is no validation failure, so no parameter may come back INVALID (CX would ask for it again).
 */
import { ticketForm } from '../../../actions/ticket-form';
import { fileTicket } from '../../../actions/file-ticket';
import { ActionRegistry } from '../../../src/sdk/registry';
import type { Ticketing, TicketInput } from '../../../src/ports/ticketing';
import { cxRequest, expectValidCx, postJson, startDialogflowServer, type StartedServer } from '../../support/dialogflow';

type Param = { displayName: string; required: boolean; state: 'EMPTY' | 'INVALID' | 'FILLED'; value?: unknown; justCollected?: boolean };
interface CxBody {
  fulfillmentResponse?: { messages: { text?: { text: string[] }; payload?: unknown }[] };
  sessionInfo?: { parameters: Record<string, unknown> };
  pageInfo?: { formInfo: { parameterInfo: { displayName: string; state: string; required?: boolean; value?: unknown }[] } };
}

/** Our own ticketing port (not a vendor SDK): records what was filed and answers with a key. */
function recordingTicketing(): Ticketing & { filed: TicketInput[] } {
  const filed: TicketInput[] = [];
  return {
    provider: 'jira',
    filed,
    async fileTicket(input) {
      filed.push(input);
      return { state: 'done', value: { key: 'SUP-101', url: 'https://tickets.example.com/browse/SUP-101' } };
    },
    async getStatus() {
      throw new Error('not used here');
    },
    async requestStatus() {
      return null;
    },
  };
}

const empty = (name: string, required = true): Param => ({ displayName: name, required, state: 'EMPTY' });
const filled = (name: string, value: string, justCollected = false, required = true): Param => ({ displayName: name, required, state: 'FILLED', value, ...(justCollected ? { justCollected } : {}) });
const textsOf = (b: CxBody) => (b.fulfillmentResponse?.messages ?? []).flatMap((m) => m.text?.text ?? []);

describe('CX ticket form page: before, during and after filing', () => {
  let srv: StartedServer;
  const ticketing = recordingTicketing();
  beforeAll(async () => {
    const registry = new ActionRegistry().register(ticketForm).register(fileTicket);
    srv = await startDialogflowServer(registry, { services: { ticketing } });
  });
  afterAll(() => srv.close());

  const call = async (spec: Parameters<typeof cxRequest>[0]) => {
    const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest(spec));
    expect(res.status).toBe(200);
    expectValidCx(res.body);
    return res.body as CxBody;
  };

  it('before: on page entry, with nothing collected, the validation changes no parameter state', async () => {
    const body = await call({ tag: 'validate_ticket_form', text: 'I want to report a problem', form: [empty('ticket_summary'), empty('ticket_description'), empty('ticket_severity', false)] });
    expect(body.pageInfo).toBeUndefined();
    expect(body.sessionInfo).toBeUndefined();
  });

  it('during: a rejected summary is INVALID (asked again), an accepted one FILLED, normalized', async () => {
    const rejected = await call({ tag: 'validate_ticket_form', text: 'vpn', parameters: { ticket_summary: 'vp' }, form: [filled('ticket_summary', 'vp', true), empty('ticket_description'), empty('ticket_severity', false)] });
    expect(rejected.pageInfo?.formInfo.parameterInfo).toEqual([{ displayName: 'ticket_summary', required: true, state: 'INVALID' }]);
    expect(rejected.sessionInfo?.parameters).toEqual({ ticket_summary: null });

    const accepted = await call({
      tag: 'validate_ticket_form',
      parameters: { ticket_summary: 'VPN  drops   hourly' },
      form: [filled('ticket_summary', 'VPN  drops   hourly', true), empty('ticket_description'), empty('ticket_severity', false)],
    });
    expect(accepted.pageInfo?.formInfo.parameterInfo).toEqual([{ displayName: 'ticket_summary', required: true, state: 'FILLED', value: 'VPN drops hourly' }]);
  });

  it('during: a severity the user names is mapped; one outside the set is INVALID with the reason', async () => {
    const form = (severity: string) => [filled('ticket_summary', 'VPN drops hourly'), filled('ticket_description', 'Since Monday.'), filled('ticket_severity', severity, true, false)];
    const parameters = (severity: string) => ({ ticket_summary: 'VPN drops hourly', ticket_description: 'Since Monday.', ticket_severity: severity });
    const urgent = await call({ tag: 'validate_ticket_form', parameters: parameters('urgent'), form: form('urgent') });
    expect(urgent.pageInfo?.formInfo.parameterInfo).toEqual([{ displayName: 'ticket_severity', required: false, state: 'FILLED', value: 'critical' }]);
    const odd = await call({ tag: 'validate_ticket_form', parameters: parameters('purple'), form: form('purple') });
    expect(odd.pageInfo?.formInfo.parameterInfo).toEqual([{ displayName: 'ticket_severity', required: false, state: 'INVALID' }]);
    expect(textsOf(odd).join(' ')).toMatch(/Severity must be one of/);
  });

  it('after: filing clears the three slots in the session, and no form parameter is reported INVALID', async () => {
    const body = await call({
      tag: 'file_ticket',
      text: 'yes, file it',
      parameters: { ticket_summary: 'VPN drops hourly', ticket_description: 'Since Monday, every hour.', ticket_severity: 'high' },
      form: [filled('ticket_summary', 'VPN drops hourly'), filled('ticket_description', 'Since Monday, every hour.'), filled('ticket_severity', 'high', false, false)],
    });
    expect(ticketing.filed.map((t) => t.summary)).toEqual(['VPN drops hourly']);
    expect(textsOf(body).join(' ')).toMatch(/SUP-101/);
    expect(body.sessionInfo?.parameters).toEqual({ ticket_key: 'SUP-101', ticket_summary: null, ticket_description: null, ticket_severity: null });
    expect(body.pageInfo).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('INVALID');
  });
});
