/** What the server writes to its log for each /webhook call, and that it stays free of personal data. */
import net from 'node:net';
import type { CallRecord } from '../../../src/channels/rasa/webhook';
import { echoAction, throwingAction } from '../../support/actions';
import { postWebhook } from '../../support/http';
import { captureLogs } from '../../support/log-capture';
import { registryOf, startTestServer, type TestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';

describe('per-call log line', () => {
  let s: TestServer;
  const logs = captureLogs('info');
  const calls: CallRecord[] = [];
  beforeAll(async () => {
    s = await startTestServer(registryOf(echoAction, throwingAction), { logger: logs.logger, onCall: (c) => calls.push(c) });
  });
  afterAll(() => s.close());

  it('has requestId, action, senderId, status and durationMs', async () => {
    const res = await postWebhook(s.url, webhookBody('action_echo', { senderId: 'conv-log-1' }), { 'X-Request-Id': 'log-req-1' });
    expect(res.status).toBe(200);
    const line = await logs.waitFor((l) => l.message === 'action call' && l.requestId === 'log-req-1');
    expect(line).toMatchObject({ level: 'info', requestId: 'log-req-1', action: 'action_echo', senderId: 'conv-log-1', status: 200 });
    expect(typeof line.durationMs).toBe('number');
    expect(line.durationMs as number).toBeGreaterThanOrEqual(0);
    expect(calls).toContainEqual(expect.objectContaining({ requestId: 'log-req-1', action: 'action_echo', senderId: 'conv-log-1', status: 200 }));
  });

  it('logs failed calls too, with what was known', async () => {
    await postWebhook(s.url, { next_action: 'action_unknown' }, { 'X-Request-Id': 'log-req-404' });
    const line = await logs.waitFor((l) => l.message === 'action call' && l.requestId === 'log-req-404');
    expect(line).toMatchObject({ action: 'action_unknown', senderId: null, status: 404 });
  });

  it('redacts personal data: an email sender id, and the crash message that quoted the tracker', async () => {
    const marker = 'grace.hopper@example.com';
    await postWebhook(s.url, webhookBody('action_throw', { senderId: marker, slots: { email: marker, phone: '+49 151 23456789' } }), {
      'X-Request-Id': 'log-req-500',
    });
    const call = await logs.waitFor((l) => l.message === 'action call' && l.requestId === 'log-req-500');
    expect(call).toMatchObject({ action: 'action_throw', senderId: '[email]', status: 500 });
    const failure = await logs.waitFor((l) => l.message === 'action failed' && l.requestId === 'log-req-500');
    expect(failure).toMatchObject({ level: 'error', action: 'action_throw' });
    expect(JSON.stringify(failure.error)).toContain('database exploded');
    expect(logs.text()).not.toContain(marker);
    expect(logs.text()).not.toContain('23456789');
  });

  it('a caller hanging up mid-upload is a client problem: no 500, no error line', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(s.port, '127.0.0.1', () => {
        socket.write(
          'POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: log-req-cut\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"next_action":',
          () => socket.destroy(),
        );
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const line = await logs.waitFor((l) => l.message === 'action call' && l.requestId === 'log-req-cut');
    expect(line.status).toBe(400);
    expect(logs.lines().filter((l) => l.requestId === 'log-req-cut' && l.level === 'error')).toEqual([]);
  });
});
