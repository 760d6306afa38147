/**
 * The identity token travels from Dialogflow's payload into the action exactly as from Rasa's
 * channel metadata: action_fetch_order (a shipped action) shows an order only to its owner.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchOrder } from '../../../actions/fetch-order';
import { ActionRegistry } from '../../../src/sdk/registry';
import type { BuiltServices } from '../../../src/main/services';
import { servicesFrom } from '../../support/services';
import { AUDIENCE, ISSUER, SECRET, hsToken } from '../../support/tokens';
import { ES_SESSION, cxRequest, esRequest, expectValidCx, expectValidEs, postJson, startDialogflowServer, type StartedServer } from '../../support/dialogflow';
import { seedPgliteDir } from '../../support/pglite-template';

describe('identity token through Dialogflow payloads (action_fetch_order)', () => {
  let dataDir: string;
  let built: BuiltServices;
  let srv: StartedServer;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'df-identity-'));
    seedPgliteDir(path.join(dataDir, 'pglite'));
    built = await servicesFrom({ DATA_DIR: dataDir, IDENTITY_JWT_SECRET: SECRET, IDENTITY_JWT_ISSUER: ISSUER, IDENTITY_JWT_AUDIENCE: AUDIENCE });
    // Open (migrate, seed) the embedded store now, so no call has to beat the deadline with it.
    await built.store.query('select 1');
    srv = await startDialogflowServer(new ActionRegistry().register(fetchOrder), { services: built.services, deadlineMs: 60_000 });
  });
  afterAll(async () => {
    await srv?.close();
    await built?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('ES: the owner`s token in originalDetectIntentRequest.payload shows the order and sets slots', async () => {
    const token = await hsToken({ sub: 'C-1001' });
    const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'fetch order', text: 'where is ORD-48213?', parameters: { order_id: 'ORD-48213' }, payload: { identity_token: token } }));
    expect(res.status).toBe(200);
    expectValidEs(res.body);
    const body = res.body as { fulfillmentText: string; outputContexts: { name: string; parameters: Record<string, unknown> }[] };
    expect(body.fulfillmentText).toContain('ORD-48213');
    expect(body.outputContexts).toEqual([
      {
        name: `${ES_SESSION}/contexts/actionbridge_slots`,
        lifespanCount: 30,
        parameters: { order_id: 'ORD-48213', order_status: 'processing', order_verified: true },
      },
    ]);
  });

  it('CX: another customer`s token gets the same answer as a missing order, and the slots are cleared', async () => {
    const token = await hsToken({ sub: 'C-1002' });
    const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'fetch_order', parameters: { order_id: 'ORD-48213' }, payload: { identity_token: token } }));
    expect(res.status).toBe(200);
    expectValidCx(res.body);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('Mechanical keyboard');
    expect((res.body as { sessionInfo: unknown }).sessionInfo).toEqual({ parameters: { order_verified: false, order_status: null, order_id: null, order_email: null } });
  });
});
