/** action_request_demo: a signed webhook to the workflow, through the outbox (PostgreSQL). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestDemo } from '../../actions/request-demo';
import { verifySignature } from '../../src/http/signature';
import { runAction } from '../../src/sdk/testkit';
import { eventually, startJiraDelivery, type JiraDeliveryHarness } from '../support/delivery';

const SECRET = 'workflow-secret-0123456789abcdef';

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  verified: boolean;
}

/** A Zapier-like catch hook on 127.0.0.1 that checks the signature like a receiver would. */
async function catchHook(answer: () => number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const verdict = verifySignature(
        SECRET,
        { timestamp: req.headers['x-actionbridge-timestamp'] as string, signature: req.headers['x-actionbridge-signature'] as string },
        raw,
        { toleranceSeconds: 300 },
      );
      received.push({ headers: req.headers, raw, verified: verdict.ok });
      const status = answer();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status < 300 ? 'success' : 'error' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/catch/123`;
  return { received, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const lead = { lead_name: 'Grace Hopper', lead_email: 'grace@navy.test', lead_company: 'US Navy' };

describe('action_request_demo', () => {
  let h: JiraDeliveryHarness;
  let hook: Awaited<ReturnType<typeof catchHook>>;
  let status = 200;
  beforeEach(async () => {
    status = 200;
    hook = await catchHook(() => status);
    h = await startJiraDelivery({ config: { budgetMs: 1_000 }, workflow: { url: hook.url, secret: SECRET } });
  });
  afterEach(async () => {
    await h.close();
    await hook.close();
  });

  it('posts a signed demo.requested event and gives the user the reference', async () => {
    const out = await runAction(requestDemo, { senderId: 'conv-1', text: 'can I get a demo?', slots: lead, services: h.services });
    expect(hook.received).toHaveLength(1);
    const [got] = hook.received;
    expect(got!.verified).toBe(true);
    expect(got!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(got!.raw.toString('utf8')) as { id: string; event: string; data: Record<string, unknown> };
    expect(body.event).toBe('demo.requested');
    expect(body.data).toMatchObject({ name: 'Grace Hopper', email: 'grace@navy.test', company: 'US Navy', conversation_id: 'conv-1' });
    expect(got!.headers['x-actionbridge-delivery']).toBe(body.id);
    expect(got!.headers['x-actionbridge-event']).toBe('demo.requested');
    expect(out.texts[0]).toBe(`Thanks, Grace! Your demo request is with our team (reference ${body.id}); we'll email grace@navy.test to find a time.`);
    // The signature covers the body: a receiver checking a modified body refuses it.
    const tampered = Buffer.from(got!.raw.toString('utf8').replace('Grace', 'Mallory'));
    expect(
      verifySignature(SECRET, { timestamp: got!.headers['x-actionbridge-timestamp'] as string, signature: got!.headers['x-actionbridge-signature'] as string }, tampered, { toleranceSeconds: 300 }).ok,
    ).toBe(false);
  });

  it('keeps the request while the workflow platform fails and delivers it afterwards with the same id', async () => {
    status = 502;
    const out = await runAction(requestDemo, { senderId: 'conv-2', text: 'demo please', slots: lead, services: h.services });
    expect(out.texts[0]).toContain('with our team shortly');
    status = 200;
    await h.runtime.start('server');
    await eventually('delivered', () => hook.received.some((r) => r.verified && r.raw.length > 0) && hook.received.length >= 2);
    await eventually('job done', async () => (await h.runtime.outbox.counts()).done === 1);
    const ids = new Set(hook.received.map((r) => r.headers['x-actionbridge-delivery']));
    expect(ids.size).toBe(1);
    expect(hook.received.every((r) => r.verified)).toBe(true);
  });

  it('says it cannot book demos when no workflow webhook is configured', async () => {
    const bare = await startJiraDelivery();
    try {
      const out = await runAction(requestDemo, { slots: lead, services: bare.services });
      expect(out.texts[0]).toBe("Sorry, I can't book demos right now: no workflow is connected to this assistant.");
      expect((await bare.runtime.outbox.counts()).pending).toBe(0);
    } finally {
      await bare.close();
    }
  });
});
