/**
 * What a tool call comes to besides "done": an action slower than the deadline answers 202
 * "pending" and keeps running, and the same call again returns its result without running it
 * twice; a rejection is a 400 naming the action; a crash a 500 that names the request, never the
 * error; an AppError keeps its status.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { AppError, defineAction, SlotSet } from '../../../src/sdk';
import { Executor } from '../../../src/sdk/executor';
import { ActionRegistry } from '../../../src/sdk/registry';
import { silentLogger } from '../../../src/observability/logger';
import { openApiRoutes } from '../../../src/channels/openapi/router';

let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => (release = resolve));
let slowRuns = 0;

const slow = defineAction({
  name: 'action_slow',
  async run({ dispatcher }) {
    slowRuns++;
    await released;
    dispatcher.utterMessage({ text: 'finally' });
    return [SlotSet('answer', 42)];
  },
});
const picky = defineAction({ name: 'action_picky', run: ({ reject }) => reject('not today') });
const broken = defineAction({
  name: 'action_broken',
  run: () => {
    throw new Error('secret internals');
  },
});
const down = defineAction({
  name: 'action_down',
  run: () => {
    throw new AppError('upstream_unavailable', 'the CRM timed out');
  },
});

let server: Server;
let url: string;

beforeAll(async () => {
  const registry = new ActionRegistry();
  for (const a of [slow, picky, broken, down]) registry.register(a);
  const app = express();
  // A deadline far below the action's wait, which only the test ends.
  app.use(openApiRoutes({ executor: new Executor(registry), logger: silentLogger(), tokens: undefined, deadlineMs: 200 }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  release();
  await new Promise((resolve) => server.close(resolve));
});

const call = (name: string, conversation = 'c-1') =>
  fetch(`${url}/tools/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Conversation-Id': conversation }, body: '{}' });

it('answers 202 pending past the deadline, and the same call again joins the run for its result', async () => {
  const first = await call('action_slow');
  expect(first.status).toBe(202);
  expect(((await first.json()) as { status: string }).status).toBe('pending');
  release();
  const second = await call('action_slow');
  expect(second.status).toBe(200);
  expect(await second.json()).toEqual({ status: 'done', messages: [{ text: 'finally' }], slots: { answer: 42 }, events: [{ event: 'slot', name: 'answer', value: 42, timestamp: null }] });
  expect(slowRuns).toBe(1);
});

it('answers a rejection 400 with the action`s name', async () => {
  const res = await call('action_picky');
  expect(res.status).toBe(400);
  expect(((await res.json()) as { action_name: string }).action_name).toBe('action_picky');
});

it('answers a crash 500 naming the request, not the error', async () => {
  const res = await call('action_broken');
  expect(res.status).toBe(500);
  const text = await res.text();
  expect(text).not.toContain('secret internals');
  expect(JSON.parse(text)).toMatchObject({ code: 'internal_error', action_name: 'action_broken' });
});

it('keeps an AppError`s status, with the sentence users get', async () => {
  const res = await call('action_down');
  expect(res.status).toBe(503);
  const body = (await res.json()) as { code: string; error: string };
  expect(body.code).toBe('upstream_unavailable');
  expect(body.error).not.toContain('CRM timed out');
});
