/**
 * Rich replies of shipped actions through the shipped mapping (ES platforms: TELEGRAM), every
 * answer strict-parsed with Google's protos (and, for CX, Messenger's richContent fields): the
 * ticket form's severity buttons, the order answer's tracking link, and each message type the
 * adapter renders (text, quick replies, card, image, payload; CX text and richContent).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchOrder } from '../../../actions/fetch-order';
import { ticketForm } from '../../../actions/ticket-form';
import { ActionRegistry } from '../../../src/sdk/registry';
import { defineAction } from '../../../src/sdk/action';
import type { BuiltServices } from '../../../src/main/services';
import { toCxMessages, toEsMessages } from '../../../src/channels/dialogflow/map-responses';
import type { ResponseEntry } from '../../../src/protocol/response';
import { servicesFrom } from '../../support/services';
import { AUDIENCE, ISSUER, SECRET, hsToken } from '../../support/tokens';
import { cxRequest, esRequest, expectValidCx, expectValidEs, postJson, startDialogflowServer, type StartedServer } from '../../support/dialogflow';
import { protoProblems } from '../../support/dialogflow-protos';
import { richContentProblems } from '../../support/messenger-rich-content';
import { seedPgliteDir } from '../../support/pglite-template';
import { ROOT } from '../../support/process';

type EsBody = { fulfillmentText?: string; fulfillmentMessages: Record<string, unknown>[] };
type CxBody = { fulfillmentResponse: { messages: Record<string, unknown>[] } };

const SEVERITY_FORM = [
  { displayName: 'ticket_summary', required: true, state: 'FILLED', value: 'VPN drops hourly' },
  { displayName: 'ticket_description', required: true, state: 'FILLED', value: 'Since Monday.' },
  { displayName: 'ticket_severity', required: false, state: 'FILLED', value: 'purple', justCollected: true },
];

/** Every message type a Rasa response can carry, for the per-type checks. */
const everyKind = defineAction({
  name: 'action_every_kind',
  run({ dispatcher }) {
    dispatcher.utterMessage({ text: 'Plain text.' });
    dispatcher.utterButtons('Pick one:', [
      { title: 'Yes', payload: '/affirm' },
      { title: 'No', payload: '/deny' },
    ]);
    dispatcher.utterMessage({ text: 'Docs:', buttons: [{ title: 'Open docs', payload: 'https://docs.example.com/guide', url: 'https://docs.example.com/guide' }] });
    dispatcher.utterMessage({ image: 'https://cdn.example.com/parcel.png', alt: 'Your parcel' });
    dispatcher.utterMessage({ custom: { platform: 'TELEGRAM', text: 'hi', parse_mode: 'Markdown' } });
    dispatcher.utterMessage({ json_message: { richContent: [[{ type: 'info', title: 'Ticket SUP-1', anchor: { href: 'https://tickets.example.com/SUP-1' } }]] } });
    dispatcher.utterMessage({ attachment: { type: 'file', url: 'https://cdn.example.com/invoice.pdf' } });
  },
});

describe('rich replies through the shipped Dialogflow mapping', () => {
  let dataDir: string;
  let built: BuiltServices;
  let srv: StartedServer;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'df-rich-'));
    seedPgliteDir(path.join(dataDir, 'pglite'));
    built = await servicesFrom({ DATA_DIR: dataDir, IDENTITY_JWT_SECRET: SECRET, IDENTITY_JWT_ISSUER: ISSUER, IDENTITY_JWT_AUDIENCE: AUDIENCE });
    await built.store.query('select 1');
    const registry = new ActionRegistry().register(fetchOrder).register(ticketForm).register(everyKind);
    srv = await startDialogflowServer(registry, { services: built.services, deadlineMs: 60_000, mappingFile: path.join(ROOT, 'dialogflow.mapping.json') });
  });
  afterAll(async () => {
    await srv?.close();
    await built?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('ES ticket form: a severity outside the set comes back as quick replies, generic and for Telegram', async () => {
    const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'validate_ticket_form', text: 'purple', parameters: { ticket_summary: 'VPN drops hourly', ticket_description: 'Since Monday.', ticket_severity: 'purple' } }));
    expectValidEs(res.body);
    const replies = (res.body as EsBody).fulfillmentMessages.filter((m) => 'quickReplies' in m);
    const quick = { title: expect.stringMatching(/^Severity must be one of/), quickReplies: ['low', 'medium', 'high', 'critical'] };
    expect(replies).toEqual([{ quickReplies: quick }, { quickReplies: quick, platform: 'TELEGRAM' }]);
  });

  it('CX ticket form: the same buttons are Messenger chips beside the text, and the parameter is INVALID', async () => {
    const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'validate_ticket_form', text: 'purple', parameters: { ticket_severity: 'purple' }, form: SEVERITY_FORM }));
    expectValidCx(res.body);
    const messages = (res.body as CxBody).fulfillmentResponse.messages;
    expect(messages[0]).toEqual({ text: { text: [expect.stringMatching(/^Severity must be one of/)] } });
    expect(messages[1]).toEqual({ payload: { richContent: [[{ type: 'chips', options: ['low', 'medium', 'high', 'critical'].map((text) => ({ text })) }]] } });
    expect(JSON.stringify(res.body)).toContain('"state":"INVALID"');
  });

  it('ES order answer ("Order Status" intent): a tracking card with the carrier link, generic and for Telegram', async () => {
    const token = await hsToken({ sub: 'C-1002' });
    const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'Order Status', text: 'where is ORD-27364?', parameters: { order_id: 'ORD-27364' }, payload: { identity_token: token } }));
    expectValidEs(res.body);
    const body = res.body as EsBody;
    expect(body.fulfillmentText).toContain('ORD-27364');
    const card = { title: "Follow the parcel on UPS's site.", buttons: [{ text: 'Track with UPS', postback: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' }] };
    expect(body.fulfillmentMessages.filter((m) => 'card' in m)).toEqual([{ card }, { card, platform: 'TELEGRAM' }]);
    // Telegram gets the whole reply, the order text included, not only the card.
    expect(body.fulfillmentMessages.filter((m) => m.platform === 'TELEGRAM' && 'text' in m)).toHaveLength(1);
  });

  it('CX order answer (tag order_status): a Messenger button opening the carrier page', async () => {
    const token = await hsToken({ sub: 'C-1002' });
    const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'order_status', parameters: { order_id: 'ORD-27364' }, payload: { identity_token: token } }));
    expectValidCx(res.body);
    const messages = (res.body as CxBody).fulfillmentResponse.messages;
    expect(messages).toContainEqual({ payload: { richContent: [[{ type: 'button', text: 'Track with UPS', anchor: { href: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' } }]] } });
  });

  it('an order with a carrier whose page is unknown (DPD) gets no link, only the text', async () => {
    const token = await hsToken({ sub: 'C-1003' });
    const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'order_status', parameters: { order_id: 'ORD-35892' }, payload: { identity_token: token } }));
    expectValidCx(res.body);
    const body = JSON.stringify(res.body);
    expect(body).not.toContain('richContent');
  });

  it('ES: every message type strict-parses, generic and with platform TELEGRAM', async () => {
    const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'action_every_kind' }));
    expectValidEs(res.body);
    const messages = (res.body as EsBody).fulfillmentMessages;
    const kinds = (platform: string | undefined) => messages.filter((m) => m.platform === platform).map((m) => Object.keys(m).find((k) => k !== 'platform'));
    expect(kinds(undefined)).toEqual(['text', 'quickReplies', 'card', 'image', 'payload', 'payload']);
    // The custom payload that names TELEGRAM comes in reply order; the Telegram copy of the rest follows.
    expect(kinds('TELEGRAM')).toEqual(['payload', 'text', 'quickReplies', 'card', 'image']);
    for (const m of messages) expect(protoProblems('es', { fulfillmentMessages: [m] })).toEqual([]);
  });

  it('CX: every message type strict-parses, and every richContent payload has only Messenger fields', async () => {
    const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'action_every_kind' }));
    expectValidCx(res.body);
    const messages = (res.body as CxBody).fulfillmentResponse.messages;
    const items = messages.flatMap((m) => ((m.payload as { richContent?: { type: string }[][] } | undefined)?.richContent ?? []).flat().map((i) => i.type));
    expect(items).toEqual(['chips', 'button', 'image', 'info']);
    expect(messages.filter((m) => 'text' in m)).toHaveLength(3);
  });
});

describe('the strict checks reject what Dialogflow or Messenger would not show', () => {
  const entry = (e: Partial<ResponseEntry>): ResponseEntry => ({ text: null, buttons: [], elements: [], custom: {}, template: null, response: null, image: null, attachment: null, ...e });

  it('a button rendered with a field the card proto lacks, or a chip with a legacy `link`, fails', () => {
    const [card] = toEsMessages([entry({ text: 't', buttons: [{ title: 'Open', payload: 'https://x.example.com' }] })]).messages;
    expect(protoProblems('es', { fulfillmentMessages: [{ ...card, url: 'https://x.example.com' }] })).toEqual([expect.stringMatching(/url: cannot find field/)]);
    expect(richContentProblems({ richContent: [[{ type: 'chips', options: [{ text: 'Open', link: 'https://x.example.com' }] }]] })).toEqual([expect.stringMatching(/link: not a Messenger field/)]);
    expect(richContentProblems({ richContent: [[{ type: 'carousel' }]] })).toEqual([expect.stringMatching(/unknown item type/)]);
    expect(richContentProblems({ richContent: [[{ type: 'image' }]] })).toEqual([expect.stringMatching(/rawUrl: required/)]);
  });

  it('what the adapter renders for CX passes the Messenger check', () => {
    const { messages } = toCxMessages([entry({ text: 't', buttons: [{ title: 'A', payload: '/a' }, { title: 'Site', payload: 'https://x.example.com' }], image: 'https://x.example.com/i.png' })]);
    for (const m of messages) if ('payload' in m) expect(richContentProblems(m.payload)).toEqual([]);
  });
});
