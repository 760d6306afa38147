/** Every metric the alert rules and the dashboard query is one the server exposes. */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { Gateway } from '../../src/connectors/kit/gateway';
import { ConnectorError, fromHttpStatus } from '../../src/connectors/kit/connector-error';
import { Metrics } from '../../src/observability/metrics';

const root = path.join(__dirname, '../..');
const rules = parse(fs.readFileSync(path.join(root, 'ops/prometheus/alerts.yml'), 'utf8')) as { groups: { name: string; rules: { alert: string; expr: string }[] }[] };
const dashboard = JSON.parse(fs.readFileSync(path.join(root, 'ops/grafana/dashboards/actionbridge.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };

/** Metric names referenced in a PromQL expression (ours and the process metrics). */
const metricNames = (expr: string): string[] => [...expr.matchAll(/\b((?:actionbridge|process)_[a-z_]+)\b/g)].map((m) => m[1]!);
/** Histograms are exposed as name_bucket / name_sum / name_count. */
const family = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

async function exposedFamilies(): Promise<Set<string>> {
  const metrics = new Metrics();
  metrics.recordCall({ requestId: 'r', action: 'action_echo', senderId: 's', status: 200, durationMs: 3 });
  const gw = new Gateway({ random: () => 0, observer: metrics.gatewayObserver() });
  gw.register('jira', (e) => (e instanceof ConnectorError ? e : undefined), { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 });
  await gw.call('jira', 'getIssue', async () => {
    throw fromHttpStatus('jira', 503, 'HTTP 503');
  }, { idempotent: true }).catch(() => undefined);
  metrics.outbox({ depth: 1, oldestAgeSeconds: 5, deadLetters: 1 });
  const text = await metrics.render();
  return new Set(text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!));
}

describe('alert rules and dashboard', () => {
  let exposed: Set<string>;
  beforeAll(async () => {
    exposed = await exposedFamilies();
  });

  it('the rules file parses and covers integrations, latency, breaker, backlog and dead letters', () => {
    const all = rules.groups.flatMap((g) => g.rules);
    const exprs = all.map((r) => r.expr).join('\n');
    for (const name of ['actionbridge_connector_errors_total', 'actionbridge_action_duration_seconds_bucket', 'actionbridge_connector_circuit_state', 'actionbridge_outbox_depth', 'actionbridge_outbox_oldest_age_seconds', 'actionbridge_dead_letters', 'actionbridge_verification_refused_total']) {
      expect(exprs).toContain(name);
    }
    expect(all.every((r) => r.alert && r.expr)).toBe(true);
  });

  it('every metric an alert uses is exposed', () => {
    const used = rules.groups.flatMap((g) => g.rules.flatMap((r) => metricNames(r.expr)));
    expect(used.length).toBeGreaterThan(5);
    const missing = used.filter((n) => !exposed.has(family(n)) && !exposed.has(n.replace(/_total$/, '')) && !exposed.has(n));
    expect(missing).toEqual([]);
  });

  it('the outbox gauges, which every server and worker samples from the same table, are read through max()', () => {
    const exprs = [...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))];
    const outboxGauges = /\b(actionbridge_outbox_depth|actionbridge_outbox_oldest_age_seconds|actionbridge_dead_letters)\b/g;
    let seen = 0;
    for (const expr of exprs) {
      for (const m of expr.matchAll(outboxGauges)) {
        seen++;
        // The gauge sits inside max(...) (directly, or around deriv()).
        expect({ expr, wrapped: /max\((deriv\()?$/.test(expr.slice(0, m.index)) }).toEqual({ expr, wrapped: true });
      }
    }
    expect(seen).toBeGreaterThanOrEqual(7);
  });

  it('every metric a dashboard panel queries is exposed', () => {
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr)));
    expect(used.length).toBeGreaterThan(5);
    const missing = used.filter((n) => !exposed.has(family(n)) && !exposed.has(n));
    expect(missing).toEqual([]);
  });
});
