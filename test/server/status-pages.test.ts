/** The console's HTML: whatever a job's error or a filter holds is text, never markup, and errors are redacted. */
import type { Job } from '../../src/delivery/outbox';
import { callsChart, backlogChart } from '../../src/server/status/charts';
import { formatAge, linksFor } from '../../src/server/status/html';
import { jobDetailPage, jobsListPage, shownError, vendorKeyOf } from '../../src/server/status/jobs-pages';

const HOSTILE = '<img src=x onerror=alert(1)> "quoted" & more';

function job(over: Partial<Job> = {}): Job {
  const at = new Date(Date.UTC(2026, 11, 2, 14, 0, 0));
  return {
    reference: 'REF-0A1B2C3D4E',
    idempotencyKey: 'k',
    type: 'ticket.create',
    payload: { summary: 'secret payload text' },
    status: 'dead',
    attempts: 3,
    maxAttempts: 3,
    nextAttemptAt: at,
    lockedUntil: null,
    claimToken: null,
    lastError: `validation: Jira refused ${HOSTILE} for ada@example.com`,
    result: null,
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    createAttemptedAt: null,
    createdId: null,
    ...over,
  };
}

describe('job pages', () => {
  it('escape the error, redact the email, never show the payload', () => {
    const html = jobDetailPage({ job: job(), links: linksFor(undefined), admin: null, role: 'server', nowMs: Date.UTC(2026, 11, 2, 14, 5, 0), retry: { csrf: null, adminEnabled: true } });
    expect(html.includes('<img')).toBe(false);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; more');
    expect(html.includes('ada@example.com')).toBe(false);
    expect(html).toContain('[email]');
    expect(html.includes('secret payload text')).toBe(false);
    expect(html).toContain('5 min ago');
  });

  it('offer the retry form only to a logged-in admin, with the CSRF token, and only for a dead job', () => {
    const page = (over: Partial<Job>, csrf: string | null) => jobDetailPage({ job: job(over), links: linksFor(undefined), admin: csrf ? 'Ada' : null, role: 'server', nowMs: Date.now(), retry: { csrf, adminEnabled: true } });
    expect(page({}, 'tok123')).toContain('<input type="hidden" name="csrf" value="tok123">');
    expect(page({}, null).includes('name="csrf"')).toBe(false);
    expect(page({ status: 'done' }, 'tok123').includes('id="retry"')).toBe(false);
    const readOnly = jobDetailPage({ job: job(), links: linksFor(undefined), admin: null, role: 'server', nowMs: Date.now(), retry: { csrf: null, adminEnabled: false } });
    expect(readOnly).toContain('actionbridge jobs retry REF-0A1B2C3D4E');
  });

  it('carry ?token= on links and forms, escaped', () => {
    const html = jobsListPage({ jobs: [job()], filter: { type: 'ticket.create' }, types: ['ticket.create'], links: linksFor('a"b<c'), admin: null, role: 'worker', nowMs: Date.now(), limit: 100 });
    expect(html.includes('a"b<c')).toBe(false);
    expect(html).toContain('/status/jobs/REF-0A1B2C3D4E?token=a%22b%3Cc');
    expect(html).toContain('name="token" value="a&quot;b&lt;c"');
  });

  it('name the vendor key from the result, or the id a create answered with', () => {
    expect(vendorKeyOf(job({ result: { key: 'SUP-12' } }))).toBe('SUP-12');
    expect(vendorKeyOf(job({ createdId: '10042' }))).toBe('10042');
    expect(vendorKeyOf(job())).toBeNull();
    expect(shownError('a\n\n  b', 500)).toBe('a b');
    expect(shownError('x'.repeat(600), 500)!.length).toBe(501);
  });
});

describe('charts and formats', () => {
  it('say in words what the bars show', () => {
    const points = [0, 3, 0, 5].map((calls, i) => ({ at: Date.UTC(2026, 11, 2, 14, i), calls, errors: i === 3 ? 2 : 0, p95Ms: null }));
    const svg = callsChart(points, 'Action action_x').html;
    expect(svg).toContain('aria-label="Action action_x: 8 calls and 2 errors in the last 4 minutes (UTC); busiest minute 14:03 with 5 calls."');
    expect(svg.match(/class="bar"/g)).toHaveLength(2);
    expect(svg.match(/class="bar-error"/g)).toHaveLength(1);
    expect(callsChart(points.map((p) => ({ ...p, calls: 0, errors: 0 })), 'X').html).toContain('no calls in the last 4 minutes');
    const backlog = backlogChart([{ at: Date.UTC(2026, 11, 2, 14, 0), open: 4, dead: 0 }, { at: Date.UTC(2026, 11, 2, 14, 1), open: null, dead: null }, { at: Date.UTC(2026, 11, 2, 14, 2), open: 1, dead: 2 }]).html;
    expect(backlog).toContain('now 1 open and 2 dead; highest 4 open at 14:00');
    expect(backlogChart([{ at: 0, open: null, dead: null }]).html).toContain('not sampled yet');
  });

  it('formats ages for people', () => {
    expect([formatAge(0), formatAge(93), formatAge(600), formatAge(7_500), formatAge(200_000)]).toEqual(['0 s', '93 s', '10 min', '2 h 5 min', '2 d']);
  });
});
