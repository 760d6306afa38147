/** The ops status page rendered in real headless Chromium shows the scenario's numbers. */
import { findChromium } from '../support/chromium';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ConnectorError, fromHttpStatus } from '../../src/connectors/kit/connector-error';
import { Gateway } from '../../src/connectors/kit/gateway';
import { silentLogger } from '../../src/observability/logger';
import { Metrics } from '../../src/observability/metrics';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { echoAction } from '../support/actions';
import { request } from '../support/http';
import { registryOf } from '../support/server';

jest.setTimeout(60_000);
const TOKEN = 'status-tok-5d1e';

describe('GET /status in Chromium', () => {
  let server: ActionServer;
  let url = '';
  let browser: Browser;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-status-'));

  beforeAll(async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    // Scenario: three failing calls to the Jira connector open its breaker (threshold 3).
    const gw = new Gateway({ random: () => 0, observer: metrics.gatewayObserver() });
    gw.register('jira', (e) => (e instanceof ConnectorError ? e : undefined), { maxAttempts: 1, breakerThreshold: 3, halfOpenAfterMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      await gw.call('jira', 'createIssue', async () => {
        throw fromHttpStatus('jira', 503, 'HTTP 503');
      }, { idempotent: false }).catch(() => undefined);
    }
    expect(gw.breakerState('jira')).toBe('open');
    metrics.outbox({ depth: 7, oldestAgeSeconds: 93, deadLetters: 4 });

    server = createActionServer({ config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 5_000, METRICS_TOKEN: [TOKEN] }, registry: registryOf(echoAction), logger: silentLogger(), metrics });
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({
      executablePath: findChromium(),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('/status and /status.json are 401 without the token', async () => {
    expect((await request(url, { path: '/status' })).status).toBe(401);
    expect((await request(url, { path: '/status.json' })).status).toBe(401);
  });

  it('renders breaker, calls, errors, outbox and failures, and a screenshot', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/status?token=${TOKEN}`);
    const row = page.locator('#connectors tr', { hasText: 'jira' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('jira');
    expect(cells[1]).toBe('open');
    expect(cells[2]).toBe('3');
    expect(cells[3]).toBe('3');
    expect(cells[4]).toBe('100.0 %');
    expect(await page.locator('#depth').textContent()).toBe('7');
    expect(await page.locator('#oldest').textContent()).toBe('93 s');
    expect(await page.locator('#dead').textContent()).toBe('4');
    expect(await page.locator('#failures tr').count()).toBe(3);
    expect(await page.locator('#failures').textContent()).toContain('jira.createIssue');

    const shot = path.join(dir, 'status.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = fs.readFileSync(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(5_000);
    await page.close();
  });
});
