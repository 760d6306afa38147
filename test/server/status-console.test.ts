/**
 * The ops console (#20) in headless Chromium, on a server and a worker started as `serve` and
 * `worker` start them (settings, composition root), sharing one PostgreSQL schema and a fake Jira.
 *
 * Scripted traffic: three tickets filed, one while Jira answers 503 (its job dies: one attempt
 * allowed), an unknown action and an action that crashes, each with its X-Request-Id. The page
 * must show those numbers (checked against the fake's own request log and the Prometheus
 * counters of the same process), the outbox as the store has it on both processes, charts with
 * text alternatives; then an administrator retries the dead job from the page, by keyboard, and
 * the audit log says who. Screenshots go to test-artifacts/status/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Outbox } from '../../src/delivery/outbox';
import { startServer, type Started } from '../../src/main/serve';
import { runWorker, type RunningWorker } from '../../src/main/worker';
import { verifyAudit } from '../../src/observability/audit';
import { AdminSessions, SESSION_COOKIE } from '../../src/server/status/admin-session';
import { migrate, type PgStore } from '../../src/store';
import { findChromium } from '../support/chromium';
import { CREATE, eventually, JIRA_AUTH } from '../support/delivery';
import { FakeJira } from '../support/fakes/jira';
import { closedPort, postWebhook, request } from '../support/http';
import { createPgSchema, databaseUrl, type PgSchema } from '../support/stores';
import { webhookBody } from '../support/webhook-body';

jest.setTimeout(240_000);

const METRICS = 'metrics-tok-3f9a51';
const ADMIN = 'admin-tok-81c2d4e7';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/status');
const FILE_TICKET = path.resolve(__dirname, '../../actions/file-ticket');

const actionsFile = `module.exports = [
  require(${JSON.stringify(FILE_TICKET)}).fileTicket,
  { name: 'action_crash', kind: 'action', slotNames: [], async run() { throw new TypeError('a bug in the action'); } },
];
`;

function schemaUrl(schema: string): string {
  const u = new URL(databaseUrl());
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

const ticket = (n: number) => webhookBody('action_file_ticket', { senderId: `conv-${n}`, slots: { ticket_summary: `Export button fails (${n})`, ticket_description: 'The export button shows an error since this morning.' } });

/** The text of each cell of the table row for `name` (its header cell first). */
async function rowCells(page: Page, table: string, name: string): Promise<string[]> {
  const row = page.locator(`#${table} tbody tr[data-name="${name}"]`);
  await row.waitFor();
  return (await row.locator('th, td').allTextContents()).map((t) => t.trim());
}

/** Sums a Prometheus counter's samples whose labels include `match`. */
function promSum(text: string, metric: string, match: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && l.includes(match))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('the ops console in Chromium', () => {
  let schema: PgSchema;
  let store: PgStore;
  let jira: FakeJira;
  let server: Started;
  let worker: RunningWorker;
  let url = '';
  let workerUrl = '';
  let browser: Browser;
  let context: BrowserContext;
  let deadRef = '';
  let jiraDown = false;
  const cspViolations: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-console-'));

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.mkdirSync(path.join(dir, 'actions'));
    fs.writeFileSync(path.join(dir, 'actions', 'console.js'), actionsFile);
    schema = await createPgSchema();
    store = schema.store(2);
    await migrate(store);
    jira = await new FakeJira(JIRA_AUTH).start();
    // While `jiraDown`, creates are answered 503 (the fake's normal answer otherwise).
    jira.fail({ status: 503, body: { errorMessages: ['Service Unavailable'], errors: {} }, times: Infinity, match: (r) => jiraDown && CREATE(r) });
    const workerPort = await closedPort();
    const env = {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'error',
      DATABASE_URL: schemaUrl(schema.name),
      DATABASE_POOL_MAX: '3',
      ACTIONS_DIR: path.join(dir, 'actions'),
      TICKETING_PROVIDER: 'jira',
      JIRA_HOST: jira.url,
      JIRA_EMAIL: JIRA_AUTH.email,
      JIRA_API_TOKEN: JIRA_AUTH.apiToken,
      JIRA_PROJECT_KEY: 'SUP',
      // One request per call and one attempt per job: a 503 makes a dead job at once.
      JIRA_MAX_ATTEMPTS: '1',
      OUTBOX_MAX_ATTEMPTS: '1',
      OUTBOX_POLL_MS: '100',
      METRICS_TOKEN: METRICS,
      ADMIN_TOKEN: ADMIN,
      AUDIT_LOG: 'on',
      WORKER_PORT: String(workerPort),
    };
    server = await startServer(env, { exitOnSignal: false });
    url = `http://127.0.0.1:${server.address.port}`;

    for (const n of [1, 2, 3]) expect((await postWebhook(url, ticket(n))).status).toBe(200);
    jiraDown = true;
    expect((await postWebhook(url, ticket(4))).status).toBe(200);
    jiraDown = false;
    expect((await postWebhook(url, webhookBody('action_does_not_exist'), { 'X-Request-Id': 'req-unknown-7' })).status).toBe(404);
    expect((await postWebhook(url, webhookBody('action_crash'), { 'X-Request-Id': 'req-crash-9' })).status).toBe(500);

    const outbox = new Outbox(store);
    await eventually('the failed ticket job is dead', async () => (await outbox.list({ status: 'dead' })).length === 1, 60_000);
    await eventually('three tickets filed', async () => (await outbox.list({ status: 'done' })).length === 3, 60_000);
    deadRef = (await outbox.list({ status: 'dead' }))[0]!.reference;

    // The worker starts once the traffic is over: its outbox numbers come from the same store.
    worker = await runWorker(env, { exitOnSignal: false });
    workerUrl = `http://127.0.0.1:${workerPort}`;

    browser = await chromium.launch({
      executablePath: findChromium(),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ httpCredentials: { username: 'ops', password: METRICS }, viewport: { width: 1280, height: 900 } });
    context.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text().slice(0, 200));
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await worker?.stop();
    await server?.server.shutdown();
    await jira?.stop();
    await store?.close();
    await schema?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 without METRICS_TOKEN, on the server and on the worker, pages and retry alike', async () => {
    for (const base of [url, workerUrl]) {
      for (const p of ['/status', '/status.json', '/status/jobs', `/status/jobs/${deadRef}`, '/status/login']) {
        expect([p, (await request(base, { path: p })).status]).toEqual([p, 401]);
      }
      const retry = await request(base, { method: 'POST', path: `/status/jobs/${deadRef}/retry`, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base }, body: 'csrf=x' });
      expect(retry.status).toBe(401);
      expect((await request(base, { path: '/status', headers: { Authorization: `Bearer ${ADMIN}` } })).status).toBe(401);
    }
  });

  it('shows per action, per connector, the outbox and recent failures with the right numbers and charts', async () => {
    const page = await context.newPage();
    const res = await page.goto(`${url}/status`);
    expect(res!.status()).toBe(200);
    expect(res!.headers()['content-security-policy']).toContain("default-src 'none'");

    const ticketRow = await rowCells(page, 'actions', 'action_file_ticket');
    expect(ticketRow[0]).toBe('action_file_ticket');
    // Name, chart, 5 min (calls, error rate, p50, p95), 1 h (the same), last error.
    expect(ticketRow.slice(2, 4)).toEqual(['4', '0.0 %']);
    expect(ticketRow[4]).toMatch(/^\d+(\.\d)? ms$/);
    expect(ticketRow.slice(6, 8)).toEqual(['4', '0.0 %']);
    expect(ticketRow[10]).toBe('—');
    const crashRow = await rowCells(page, 'actions', 'action_crash');
    expect(crashRow.slice(2, 4)).toEqual(['1', '100.0 %']);
    expect(crashRow[10]).toContain('http_500');
    expect(crashRow[10]).toContain('req-crash-9');
    const unknownRow = await rowCells(page, 'actions', 'unknown');
    expect(unknownRow.slice(2, 4)).toEqual(['1', '100.0 %']);
    expect(unknownRow[10]).toContain('req-unknown-7');
    const ticketChart = page.locator('#actions tr[data-name="action_file_ticket"] svg');
    expect(await ticketChart.getAttribute('data-total')).toBe('4');
    expect(await ticketChart.getAttribute('role')).toBe('img');
    expect(await ticketChart.getAttribute('aria-label')).toContain('4 calls and 0 errors');
    expect(await page.locator('#actions tr[data-name="action_crash"] svg rect.bar-error').count()).toBe(1);

    // Jira: what the fake received, and what Prometheus counted in the same process.
    const prom = (await request(url, { path: '/metrics', headers: { Authorization: `Bearer ${METRICS}` } })).text;
    const calls = promSum(prom, 'actionbridge_connector_calls_total', 'connector="jira"');
    const errors = promSum(prom, 'actionbridge_connector_errors_total', 'connector="jira"');
    expect(calls).toBe(jira.requests.length);
    expect(errors).toBe(1);
    const jiraRow = await rowCells(page, 'connectors', 'jira');
    expect(jiraRow[1]).toBe('closed');
    // Name, breaker, chart, 5 min, 1 h, quota waits, last error.
    expect(jiraRow.slice(3, 5)).toEqual([String(calls), `${((errors / calls) * 100).toFixed(1)} %`]);
    expect(jiraRow.slice(7, 9)).toEqual([String(calls), `${((errors / calls) * 100).toFixed(1)} %`]);
    expect(jiraRow[11]).toBe('0');
    expect(jiraRow[12]).toContain('upstream_unavailable');
    expect(await page.locator('#connectors tr[data-name="jira"] svg').getAttribute('data-errors')).toBe('1');

    // The outbox, counted in the store: numbers, 0 where there is none.
    const counts = Object.fromEntries(await Promise.all(['pending', 'queued', 'running', 'done', 'dead'].map(async (s) => [s, (await page.locator(`#outbox-${s}`).textContent())!.trim()])));
    expect(counts).toEqual({ pending: '0', queued: '0', running: '0', done: '3', dead: '1' });
    expect((await page.locator('#outbox-oldest').textContent())!.trim()).toBe('none open');
    const backlog = page.locator('#outbox-h ~ figure svg');
    expect(Number(await backlog.getAttribute('data-samples'))).toBeGreaterThanOrEqual(1);
    expect(await backlog.getAttribute('aria-label')).toContain('now 0 open and 1 dead');

    const failures = (await page.locator('#failures').textContent())!;
    expect(failures).toContain('req-crash-9');
    expect(failures).toContain('req-unknown-7');
    expect(failures).toContain('jira.');

    // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null>('document.activeElement && document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string | null>('document.activeElement && document.activeElement.id')).toBe('main');
    // Every table has header cells; every chart has a text alternative.
    expect(await page.locator('table:not(:has(th))').count()).toBe(0);
    expect(await page.locator('svg:not([aria-label])').count()).toBe(0);
    // The console's own script ran under the policy: it shows the pause button it controls.
    await page.locator('#pause').waitFor({ state: 'visible' });
    await page.click('#pause');
    expect(await page.getAttribute('#pause', 'aria-pressed')).toBe('true');

    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-laptop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // Phone width: the page itself does not scroll sideways; wide tables scroll in their own region.
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-phone.png'), fullPage: true });
    for (const f of ['overview-laptop.png', 'overview-phone.png']) expect(fs.statSync(path.join(ARTIFACTS, f)).size).toBeGreaterThan(10_000);
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  it('shows the same outbox on the worker, which has its own (empty) calls', async () => {
    const page = await context.newPage();
    expect((await page.goto(`${workerUrl}/status`))!.status()).toBe(200);
    expect((await page.locator('.role').textContent())!).toContain('worker');
    expect((await page.locator('#outbox-done').textContent())!.trim()).toBe('3');
    expect((await page.locator('#outbox-dead').textContent())!.trim()).toBe('1');
    expect(await page.locator('#actions-empty').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'worker.png'), fullPage: true });
    await page.close();
  });

  it('lists jobs with filters and shows a dead job with its attempts and redacted error', async () => {
    const page = await context.newPage();
    await page.goto(`${url}/status/jobs`);
    expect(await page.locator('#jobs tbody tr').count()).toBe(4);
    await page.selectOption('#f-status', 'dead');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/status=dead/);
    const rows = page.locator('#jobs tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-reference')).toBe(deadRef);
    expect(await rows.first().locator('td').allTextContents()).toEqual(expect.arrayContaining(['ticket.create', 'dead', '1/1']));
    await page.screenshot({ path: path.join(ARTIFACTS, 'jobs.png'), fullPage: true });
    // Created just now: none is older than a day.
    await page.goto(`${url}/status/jobs?type=ticket.create&age=1d`);
    expect(await page.locator('#jobs-empty').count()).toBe(1);
    const bad = await page.request.get(`${url}/status/jobs?status=bogus`);
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('status must be one of');

    await page.goto(`${url}/status/jobs?status=dead`);
    await page.click(`a[href="/status/jobs/${deadRef}"]`);
    await page.waitForURL(new RegExp(`/status/jobs/${deadRef}$`));
    expect(await page.locator('#job-status').textContent()).toBe('dead');
    expect(await page.locator('#job-attempts').textContent()).toBe('1 of 1');
    expect((await page.locator('#job-error').textContent())!.length).toBeGreaterThan(3);
    expect(await page.locator('#retry-login').count()).toBe(1);
    expect(await page.locator('#retry').count()).toBe(0);
    await page.close();
  });

  it('a wrong admin token cannot log in nor retry, and neither can a forged session or a cross-site form', async () => {
    const page = await context.newPage();
    await page.goto(`${url}/status/login?next=/status/jobs/${deadRef}`);
    await page.fill('#admin-name', 'Eve');
    await page.fill('#admin-token', 'not-the-admin-token');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/status/login') && r.request().method() === 'POST'), page.click('#login')]);
    expect(answer.status()).toBe(401);
    expect(await page.locator('#login-error').count()).toBe(1);
    expect((await context.cookies()).filter((c) => c.name === SESSION_COOKIE)).toEqual([]);

    const retry = (headers: Record<string, string>, csrf = 'x') => page.request.post(`${url}/status/jobs/${deadRef}/retry`, { form: { csrf }, headers, maxRedirects: 0 });
    expect((await retry({ Origin: url })).status()).toBe(401);
    // A session signed under another token is no session.
    const forged = new AdminSessions(['someone-elses-token']).login('someone-elses-token', 'Mallory')!.cookie;
    await context.addCookies([{ name: SESSION_COOKIE, value: forged, url }]);
    expect((await retry({ Origin: url })).status()).toBe(401);
    await context.clearCookies();

    // A genuine session, but the form's CSRF token or Origin is wrong: 403, nothing changes.
    await page.goto(`${url}/status/login`);
    await page.fill('#admin-name', 'Ada Ops');
    await page.fill('#admin-token', ADMIN);
    await Promise.all([page.waitForURL(/\/status$/), page.click('#login')]);
    expect((await retry({ Origin: url }, 'wrong-csrf')).status()).toBe(403);
    await page.goto(`${url}/status/jobs/${deadRef}`);
    const csrf = (await page.locator('form.retry input[name=csrf]').getAttribute('value'))!;
    expect((await retry({ Origin: 'http://evil.example' }, csrf)).status()).toBe(403);
    expect((await retry({}, csrf)).status()).toBe(403);
    expect((await new Outbox(store).get(deadRef))!.status).toBe('dead');
    await context.clearCookies();
    await page.close();
  });

  it('an administrator retries the dead job from the page by keyboard; it is delivered, and the audit log says who', async () => {
    const page = await context.newPage();
    await page.goto(`${url}/status/jobs/${deadRef}`);
    await page.click('#retry-login a');
    await page.fill('#admin-name', 'Ada Ops');
    await page.fill('#admin-token', ADMIN);
    await Promise.all([page.waitForURL(new RegExp(`/status/jobs/${deadRef}$`)), page.press('#admin-token', 'Enter')]);
    const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/status' });
    expect((await page.locator('.who').textContent())!).toContain('Ada Ops');

    await page.focus('#retry');
    await Promise.all([page.waitForURL(/retried=1/), page.keyboard.press('Enter')]);
    expect((await page.locator('#notice').textContent())!).toContain('Queued again by Ada Ops');
    expect(await page.locator('#job-status').textContent()).not.toBe('dead');
    await page.screenshot({ path: path.join(ARTIFACTS, 'job-retried.png'), fullPage: true });

    const outbox = new Outbox(store);
    await eventually('the retried job is delivered', async () => (await outbox.get(deadRef))?.status === 'done', 60_000);
    expect(jira.issues.size).toBe(4);

    const { rows } = await store.query<{ sender: string; action: string; operation: string | null; outcome: string }>(
      `SELECT sender, action, operation, outcome FROM audit_log WHERE kind = 'admin' ORDER BY seq`,
    );
    const retried = rows.filter((r) => r.action === 'jobs.retry');
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ operation: deadRef, outcome: 'retried' });
    expect(retried[0]!.sender).toContain('Ada Ops');
    expect(retried[0]!.sender).toMatch(/admin token [0-9a-f]{12}/);
    await eventually('the refused login is audited', async () => {
      const r = await store.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE kind = 'admin' AND action = 'console.login' AND outcome = 'refused' AND sender LIKE 'Eve%'`);
      return Number(r.rows[0]!.n) === 1;
    });
    expect(rows.some((r) => r.sender.includes(ADMIN))).toBe(false);
    // The admin rows are links of the same chain as every other row.
    expect((await verifyAudit(store)).ok).toBe(true);
    await page.close();
  });
});
