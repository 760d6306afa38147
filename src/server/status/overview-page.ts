/**
 * `/status`: the overview an operator opens first. Server-rendered (it reads fine without
 * script); the console script only refreshes the live part every 15 s.
 */
import { JOB_STATUSES } from '../../delivery/outbox';
import type { CallSummary, NamedSeriesView } from '../../observability/minute-series';
import { backlogChart, callsChart } from './charts';
import type { ConsoleData } from './console-data';
import { formatAge, formatMs, formatRate, html, page, type Html, type Links } from './html';

function windowCells(s: CallSummary): Html {
  return html`<td class="num">${s.calls}</td><td class="num">${formatRate(s.errorRate, s.calls)}</td><td class="num">${formatMs(s.p50Ms)}</td><td class="num">${formatMs(s.p95Ms)}</td>`;
}

const WINDOW_HEADERS = html`<th scope="col" class="num">Calls</th><th scope="col" class="num">Error rate</th><th scope="col" class="num">p50</th><th scope="col" class="num">p95</th>`;

function lastError(v: NamedSeriesView): Html {
  if (!v.lastError) return html`<td>—</td>`;
  const e = v.lastError;
  return html`<td><span class="bad">${e.kind}</span> <time datetime="${e.at}">${e.at.slice(11, 19)}</time>${e.requestId ? html` <code>${e.requestId}</code>` : null}</td>`;
}

function actionsTable(d: ConsoleData): Html {
  if (d.actions.length === 0) return html`<p class="empty" id="actions-empty">No action calls yet in this process.</p>`;
  return html`<p class="note">In this process: the last 5 minutes and the last hour. A failed call is any answer but 2xx.</p>
<div class="scroll" role="region" aria-labelledby="actions-h" tabindex="0"><table id="actions">
<caption class="sr-only">Calls, error rate and latency per action</caption>
<thead><tr><td></td><td class="chart-col"></td><th scope="colgroup" colspan="4">Last 5 min</th><th scope="colgroup" colspan="4">Last hour</th><td></td></tr>
<tr><th scope="col">Action</th><th scope="col" class="chart-col">Calls per minute, last hour</th>${WINDOW_HEADERS}${WINDOW_HEADERS}<th scope="col">Last error</th></tr></thead>
<tbody>${d.actions.map(
    (a) => html`<tr data-name="${a.name}"><th scope="row">${a.name}</th><td class="chart-col">${callsChart(a.points, `Action ${a.name}`)}</td>${windowCells(a.last5m)}${windowCells(a.last1h)}${lastError(a)}</tr>`,
  )}</tbody></table></div>`;
}

function connectorsTable(d: ConsoleData): Html {
  if (d.connectors.length === 0) return html`<p class="empty" id="connectors-empty">No connector calls yet in this process.</p>`;
  return html`<p class="note">In this process: breaker state, the last 5 minutes and the last hour, and calls that waited for the vendor's quota since start.</p>
<div class="scroll" role="region" aria-labelledby="connectors-h" tabindex="0"><table id="connectors">
<caption class="sr-only">Breaker, calls, error rate, latency and quota waits per connector</caption>
<thead><tr><td></td><td></td><td class="chart-col"></td><th scope="colgroup" colspan="4">Last 5 min</th><th scope="colgroup" colspan="4">Last hour</th><td></td><td></td></tr>
<tr><th scope="col">Connector</th><th scope="col">Breaker</th><th scope="col" class="chart-col">Calls per minute, last hour</th>${WINDOW_HEADERS}${WINDOW_HEADERS}<th scope="col" class="num">Quota waits</th><th scope="col">Last error</th></tr></thead>
<tbody>${d.connectors.map(
    (c) =>
      html`<tr data-name="${c.name}"><th scope="row">${c.name}</th><td><span class="breaker breaker-${c.breaker}">${c.breaker}</span></td><td class="chart-col">${callsChart(c.points, `Connector ${c.name}`)}</td>${windowCells(c.last5m)}${windowCells(c.last1h)}<td class="num">${c.quotaWaits}</td>${lastError(c)}</tr>`,
  )}</tbody></table></div>`;
}

function outboxSection(d: ConsoleData, links: Links): Html {
  const o = d.outbox;
  if (o.source === 'none') {
    return html`<p class="empty" id="outbox-none">${o.error ? html`<span class="bad">Outbox unavailable:</span> ${o.error}` : 'No outbox in this process.'}</p>`;
  }
  const card = (id: string, label: string, value: string | number, cls = '', href?: string) =>
    html`<div class="card ${cls}"><span class="label" id="${id}-label">${label}</span><b id="${id}" aria-labelledby="${id}-label ${id}">${href ? html`<a href="${href}">${value}</a>` : value}</b></div>`;
  const counts = o.counts
    ? JOB_STATUSES.map((s) => card(`outbox-${s}`, s, o.counts![s], s === 'dead' && o.counts![s] > 0 ? 'alert' : '', links.to('/status/jobs', { status: s })))
    : [card('outbox-open', 'open', o.open), card('outbox-dead', 'dead', o.dead, o.dead > 0 ? 'alert' : '')];
  return html`<div class="cards" id="outbox-counts">${counts}${card('outbox-oldest', 'oldest open job', o.oldestOpenAgeSeconds === null ? 'none open' : formatAge(o.oldestOpenAgeSeconds))}</div>
<p class="note">${o.source === 'store' ? 'Counted in the shared store just now: every replica shows the same.' : 'As this process last measured it.'}</p>
<figure><figcaption id="backlog-caption">Open jobs (blue) and dead jobs (red) per minute, last hour</figcaption>${backlogChart(o.backlog)}</figure>`;
}

function failuresTable(d: ConsoleData): Html {
  if (d.failures.length === 0) return html`<p class="empty" id="failures-empty">No failures recorded in this process.</p>`;
  return html`<p class="note">The latest ${d.failures.length} failures in this process, newest first (outbound calls run in jobs and carry no request id).</p>
<div class="scroll" role="region" aria-labelledby="failures-h" tabindex="0"><table id="failures">
<caption class="sr-only">Recent failures</caption>
<thead><tr><th scope="col">Time (UTC)</th><th scope="col">Source</th><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Request id</th></tr></thead>
<tbody>${d.failures.map(
    (f) => html`<tr><td><time datetime="${f.at}">${f.at.slice(0, 19).replace('T', ' ')}</time></td><td>${f.source}</td><td>${f.name}</td><td>${f.kind}</td><td>${f.requestId ? html`<code>${f.requestId}</code>` : '—'}</td></tr>`,
  )}</tbody></table></div>`;
}

export function overviewPage(d: ConsoleData, links: Links, admin: string | null): string {
  const body = html`<div class="toolbar"><p id="updated" role="status" aria-live="polite">Updated <time datetime="${d.generatedAt}">${d.generatedAt.slice(11, 19)} UTC</time></p><button type="button" id="pause" aria-pressed="false" hidden>Pause auto-refresh</button></div>
<div id="live">
<section aria-labelledby="actions-h"><h2 id="actions-h">Actions</h2>${actionsTable(d)}</section>
<section aria-labelledby="connectors-h"><h2 id="connectors-h">Connectors</h2>${connectorsTable(d)}</section>
<section aria-labelledby="outbox-h"><h2 id="outbox-h">Outbox</h2>${outboxSection(d, links)}</section>
<section aria-labelledby="failures-h"><h2 id="failures-h">Recent failures</h2>${failuresTable(d)}</section>
</div>`;
  return page({ title: 'Status', current: 'overview', links, admin, body, role: d.role });
}
