/** The Rasa tracker built from one Dialogflow request. */
import { CxRequestSchema, EsRequestSchema } from '../../../src/channels/dialogflow/request-schemas';
import { cxTurn, esSlots, esTurn } from '../../../src/channels/dialogflow/synthetic-tracker';
import { CX_SESSION, ES_SESSION, cxRequest, esRequest } from '../../support/dialogflow';

describe('ES synthetic tracker', () => {
  it('merges contexts, the slot context and this turn`s parameters, later sources winning', () => {
    const req = EsRequestSchema.parse(
      esRequest({
        intent: 'order.status',
        parameters: { order: 'A-7', city: '' },
        contexts: [
          { name: `${ES_SESSION}/contexts/__system_counters__`, parameters: { 'no-match': 2 } },
          { name: `${ES_SESSION}/contexts/order_dialog_params_size`, parameters: { size: 1 } },
          { name: `${ES_SESSION}/contexts/order-followup`, lifespanCount: 2, parameters: { order: 'OLD', city: 'Paris', 'city.original': 'paris', email: null } },
          { name: `${ES_SESSION}/contexts/actionbridge_slots`, lifespanCount: 40, parameters: { city: 'Lyon', email: null } },
        ],
      }),
    );
    expect(esSlots(req, 'actionbridge_slots')).toEqual({ order: 'A-7', city: 'Lyon', email: null });
  });

  it('fills sender, latest message, entities, metadata and the synthetic turn`s events', () => {
    const req = EsRequestSchema.parse(esRequest({ intent: 'order.status', text: 'where is A-7', parameters: { order: 'A-7' }, payload: { identity_token: 't' } }));
    const { tracker, domain } = esTurn(req, 'actionbridge_slots');
    expect(tracker.sender_id).toBe('3f2a9c1e-77b0-4d2e-9f51-0a1b2c3d4e5f');
    expect(tracker.latest_message).toMatchObject({
      text: 'where is A-7',
      intent: { name: 'order.status', confidence: 0.92 },
      entities: [{ entity: 'order', value: 'A-7' }],
      metadata: { identity_token: 't', dialogflow: { edition: 'es', session: ES_SESSION, source: 'DIALOGFLOW_CONSOLE', languageCode: 'en' } },
    });
    expect(tracker.events?.map((e) => e.event)).toEqual(['action', 'user', 'slot']);
    expect(domain.slots).toHaveProperty('order');
  });
});

describe('CX synthetic tracker', () => {
  it('on a form page: active loop, requested slot, form in the domain, just-collected values to validate', () => {
    const req = CxRequestSchema.parse(
      cxRequest({
        tag: 'validate_ticket_form',
        parameters: { severity: 'high' },
        form: [
          { displayName: 'severity', required: true, state: 'FILLED', value: 'high', justCollected: true },
          { displayName: 'email', required: true, state: 'EMPTY' },
        ],
      }),
    );
    const { tracker, domain } = cxTurn(req, 'validate_ticket_form');
    expect(tracker.sender_id).toBe('cx-session-42');
    expect(tracker.active_loop).toMatchObject({ name: 'ticket_form' });
    expect(tracker.slots).toEqual({ severity: 'high', requested_slot: 'email' });
    expect(domain.forms).toEqual({ ticket_form: { required_slots: ['severity', 'email'] } });
    expect(tracker.events?.at(-1)).toMatchObject({ event: 'slot', name: 'severity', value: 'high' });
  });

  it('uses the event name as text for event-triggered calls and passes the payload through', () => {
    const body = cxRequest({ tag: 'x', payload: { identity_token: 'jwt' } });
    delete body.text;
    body.triggerEvent = 'sys.no-match-default';
    const { tracker } = cxTurn(CxRequestSchema.parse(body), 'action_x');
    expect(tracker.latest_message).toMatchObject({ text: 'sys.no-match-default', metadata: { identity_token: 'jwt', dialogflow: { edition: 'cx', session: CX_SESSION, tag: 'x' } } });
    expect(tracker.active_loop).toEqual({});
  });
});
