/**
 * POST /tools/{action} counts against the same limits as /webhook: the per-conversation limit
 * (RATE_LIMIT_SENDER_PER_MINUTE) and the per-IP one (RATE_LIMIT_IP_PER_MINUTE), both a 429 JSON
 * error with Retry-After, and each refused call is recorded.
 */
import { TOOL_TOKEN, startToolsServer, type ToolsServer } from '../../support/tools-server';

let srv: ToolsServer;

beforeAll(async () => {
  srv = await startToolsServer({ token: TOOL_TOKEN, senderPerMinute: 2, ipPerMinute: 5 });
}, 120_000);
afterAll(() => srv?.close());

const greet = (conversation: string) =>
  fetch(`${srv.url}/tools/action_greet`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOOL_TOKEN}`, 'X-Conversation-Id': conversation },
    body: JSON.stringify({ user_name: 'Ada' }),
  });

it('refuses a conversation over its limit, then the IP over its own, with 429 and Retry-After', async () => {
  expect((await greet('conv-a')).status).toBe(200);
  expect((await greet('conv-a')).status).toBe(200);
  const bySender = await greet('conv-a');
  expect(bySender.status).toBe(429);
  expect(Number(bySender.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(((await bySender.json()) as { code: string }).code).toBe('rate_limited');
  // Another conversation from the same address still has its own budget...
  expect((await greet('conv-b')).status).toBe(200);
  expect((await greet('conv-b')).status).toBe(200);
  // ...until the address has used its five.
  const byIp = await greet('conv-c');
  expect(byIp.status).toBe(429);
  expect(Number(byIp.headers.get('retry-after'))).toBeGreaterThan(0);
  // The sender refusal ran through the tool call and is recorded; the IP one never reached it.
  expect(srv.calls.map((c) => c.status)).toEqual([200, 200, 429, 200, 200]);
});
