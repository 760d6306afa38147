/**
 * `/status/jobs` and `/status/jobs/:ref`: the outbox as `actionbridge jobs list/show` sees it,
 * with filters, and a retry button on a dead job for a logged-in administrator. A job's payload
 * is never shown (personal data); its last error is shown redacted like a log line.
 */
import { JOB_STATUSES, type Job, type JobStatus } from '../../delivery/outbox';
import { redactString } from '../../observability/redact';
import { formatAge, html, page, type Html, type Links } from './html';

/** The age filter's choices: created at least this long ago. */
export const AGE_FILTERS = { '5m': 300, '1h': 3600, '1d': 86_400 } as const;
export type AgeFilter = keyof typeof AGE_FILTERS;

export interface JobsFilter {
  status?: JobStatus;
  type?: string;
  age?: AgeFilter;
}

/** What a list row or the detail shows of the last error: redacted, one line, bounded. */
export function shownError(error: string | null, max = 500): string | null {
  if (error === null) return null;
  const one = redactString(error).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** The vendor's key a job produced (a ticket SUP-12), or the id a create answered with before the outcome was recorded. */
export function vendorKeyOf(job: Job): string | null {
  const key = job.result !== null && typeof job.result === 'object' ? (job.result as { key?: unknown }).key : undefined;
  return typeof key === 'string' ? key : job.createdId;
}

const ageOf = (job: Job, nowMs: number): string => formatAge((nowMs - job.createdAt.getTime()) / 1000);

function select(name: string, label: string, options: [string, string][], chosen: string | undefined): Html {
  return html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${options.map(
    ([value, text]) => html`<option value="${value}"${value === (chosen ?? '') ? html` selected` : null}>${text}</option>`,
  )}</select></div>`;
}

export function jobsListPage(o: { jobs: Job[]; filter: JobsFilter; types: string[]; links: Links; admin: string | null; role: string; nowMs: number; limit: number }): string {
  const f = o.filter;
  const form = html`<form class="filters" method="get" action="/status/jobs" aria-label="Filter jobs">
${select('status', 'Status', [['', 'any'], ...JOB_STATUSES.map((s): [string, string] => [s, s])], f.status)}
<div><label for="f-type">Type</label><input id="f-type" name="type" list="job-types" value="${f.type ?? ''}" placeholder="any" pattern="[a-z][a-z0-9_.\-]{0,63}" size="16"><datalist id="job-types">${o.types.map((t) => html`<option value="${t}">`)}</datalist></div>
${select('age', 'Created', [['', 'any time'], ['5m', 'over 5 min ago'], ['1h', 'over 1 hour ago'], ['1d', 'over 1 day ago']], f.age)}
${o.links.token ? html`<input type="hidden" name="token" value="${o.links.token}">` : null}
<button type="submit">Show</button></form>`;
  const table =
    o.jobs.length === 0
      ? html`<p class="empty" id="jobs-empty">No jobs match.</p>`
      : html`<div class="scroll" role="region" aria-label="Jobs" tabindex="0"><table id="jobs">
<caption>${o.jobs.length === o.limit ? `The newest ${o.limit} matching jobs` : `${o.jobs.length} matching job${o.jobs.length === 1 ? '' : 's'}`}, newest first</caption>
<thead><tr><th scope="col">Reference</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Age</th><th scope="col">Vendor key</th><th scope="col">Last error</th></tr></thead>
<tbody>${o.jobs.map(
          (j) =>
            html`<tr data-reference="${j.reference}"><th scope="row"><a href="${o.links.to(`/status/jobs/${j.reference}`)}">${j.reference}</a></th><td>${j.type}</td><td><span class="status status-${j.status}">${j.status}</span></td><td class="num">${j.attempts}/${j.maxAttempts}</td><td>${ageOf(j, o.nowMs)}</td><td>${vendorKeyOf(j) ?? '—'}</td><td class="error">${shownError(j.lastError, 120) ?? '—'}</td></tr>`,
        )}</tbody></table></div>`;
  return page({ title: 'Jobs', current: 'jobs', links: o.links, admin: o.admin, role: o.role, body: html`${form}${table}` });
}

export interface RetryControl {
  /** The logged-in administrator's CSRF token; null = not logged in. */
  csrf: string | null;
  /** ADMIN_TOKEN is set (otherwise the console is read-only). */
  adminEnabled: boolean;
}

export function jobDetailPage(o: { job: Job; links: Links; admin: string | null; role: string; nowMs: number; retry: RetryControl; notice?: string }): string {
  const j = o.job;
  const row = (label: string, value: Html | string | number) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  const retry =
    j.status !== 'dead'
      ? null
      : o.retry.csrf
        ? html`<form method="post" action="${o.links.to(`/status/jobs/${j.reference}/retry`)}" class="retry"><input type="hidden" name="csrf" value="${o.retry.csrf}"><button type="submit" id="retry">Retry this job</button> <span class="note">Puts it back in line with fresh attempts; recorded in the audit log under your name.</span></form>`
        : o.retry.adminEnabled
          ? html`<p class="note" id="retry-login">This job is dead. <a href="${o.links.to('/status/login', { next: `/status/jobs/${j.reference}` })}">Log in as an administrator</a> to retry it.</p>`
          : html`<p class="note" id="retry-disabled">This job is dead. Retrying from the console needs ADMIN_TOKEN set; the CLI can: <code>actionbridge jobs retry ${j.reference}</code></p>`;
  const body = html`${o.notice ? html`<p class="notice" role="status" id="notice">${o.notice}</p>` : null}
<table id="job" class="detail"><caption>Job ${j.reference}</caption><tbody>
${row('Reference', html`<code>${j.reference}</code>`)}
${row('Type', j.type)}
${row('Status', html`<span class="status status-${j.status}" id="job-status">${j.status}</span>`)}
${row('Attempts', html`<span id="job-attempts">${j.attempts} of ${j.maxAttempts}</span>`)}
${row('Vendor key', vendorKeyOf(j) ?? '—')}
${row('Created', html`<time datetime="${j.createdAt.toISOString()}">${j.createdAt.toISOString()}</time> (${ageOf(j, o.nowMs)} ago)`)}
${row('Updated', html`<time datetime="${j.updatedAt.toISOString()}">${j.updatedAt.toISOString()}</time>`)}
${row('Next attempt', j.status === 'pending' ? html`<time datetime="${j.nextAttemptAt.toISOString()}">${j.nextAttemptAt.toISOString()}</time>` : '—')}
${row('Completed', j.completedAt ? j.completedAt.toISOString() : '—')}
${row('Last error (redacted)', html`<span class="error" id="job-error">${shownError(j.lastError) ?? '—'}</span>`)}
</tbody></table>${retry}
<p><a href="${o.links.to('/status/jobs')}">All jobs</a></p>`;
  return page({ title: `Job ${j.reference}`, current: 'jobs', links: o.links, admin: o.admin, role: o.role, body });
}

export function loginPage(o: { links: Links; role: string; next: string; error?: string; enabled: boolean }): string {
  const body = !o.enabled
    ? html`<p id="login-disabled">The console is read-only here: ADMIN_TOKEN is not set.</p>`
    : html`${o.error ? html`<p class="notice bad" role="alert" id="login-error">${o.error}</p>` : null}
<form method="post" action="${o.links.to('/status/login')}" class="login">
<p><label for="admin-name">Your name (recorded in the audit log with what you do)</label><input id="admin-name" name="name" autocomplete="username" required maxlength="60"></p>
<p><label for="admin-token">Admin token</label><input id="admin-token" name="admin_token" type="password" autocomplete="current-password" required></p>
<input type="hidden" name="next" value="${o.next}">
<button type="submit" id="login">Log in</button></form>
<p class="note">The session is a cookie for this console only (HttpOnly, SameSite=Strict), valid 8 hours.</p>`;
  return page({ title: 'Admin login', current: 'login', links: o.links, admin: null, role: o.role, body });
}
