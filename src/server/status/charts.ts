/**
 * Small SVG charts drawn on the server from the per-minute series: no chart library, no script,
 * nothing fetched. Each is an image to assistive technology, with a sentence saying what it shows
 * (totals, peak and when), so the numbers are there without seeing the bars.
 */
import type { BacklogPoint, MinutePoint } from '../../observability/minute-series';
import { html, type Html } from './html';

const WIDTH = 240;
/** The plot's height; a row of labels (time span, scale) sits below it. */
const HEIGHT = 40;
const TOTAL_HEIGHT = HEIGHT + 14;

/** "60 min ago", the scale's top value and "now" under the plot, for sighted readers (the label says it all for others). */
function labels(minutes: number, top: string): Html {
  return html`<text class="tick" x="0" y="${TOTAL_HEIGHT - 2}">${minutes} min ago</text><text class="tick" x="${WIDTH}" y="${TOTAL_HEIGHT - 2}" text-anchor="end">now</text><text class="tick" x="${WIDTH / 2}" y="${TOTAL_HEIGHT - 2}" text-anchor="middle">${top}</text>`;
}

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** Calls per minute as bars, the failed part of each in the error colour. */
export function callsChart(points: readonly MinutePoint[], what: string): Html {
  const total = points.reduce((n, p) => n + p.calls, 0);
  const errors = points.reduce((n, p) => n + p.errors, 0);
  const peak = points.reduce<MinutePoint | null>((best, p) => (p.calls > (best?.calls ?? 0) ? p : best), null);
  const label = total === 0
    ? `${what}: no calls in the last ${points.length} minutes.`
    : `${what}: ${total} calls and ${errors} errors in the last ${points.length} minutes (UTC); busiest minute ${clock(peak!.at)} with ${peak!.calls} calls.`;
  const max = Math.max(1, peak?.calls ?? 0);
  const step = WIDTH / Math.max(1, points.length);
  const bars = points.flatMap((p, i) => {
    if (p.calls === 0) return [];
    const h = Math.max(1, (p.calls / max) * (HEIGHT - 2));
    const eh = p.errors === 0 ? 0 : Math.max(1, (p.errors / max) * (HEIGHT - 2));
    const x = (i * step).toFixed(1);
    const w = Math.max(1, step - 1).toFixed(1);
    return [
      html`<rect class="bar" x="${x}" y="${(HEIGHT - h).toFixed(1)}" width="${w}" height="${h.toFixed(1)}"/>`,
      eh > 0 ? html`<rect class="bar-error" x="${x}" y="${(HEIGHT - eh).toFixed(1)}" width="${w}" height="${eh.toFixed(1)}"/>` : null,
    ];
  });
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${TOTAL_HEIGHT}" width="${WIDTH}" height="${TOTAL_HEIGHT}" role="img" aria-label="${label}" data-total="${total}" data-errors="${errors}"><title>${label}</title><line class="axis" x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}"/>${bars}${labels(points.length, `peak ${peak?.calls ?? 0}/min`)}</svg>`;
}

/** Open jobs at each minute's sample as a line (dead jobs as a second one); gaps where nothing was sampled. */
export function backlogChart(points: readonly BacklogPoint[]): Html {
  const sampled = points.filter((p) => p.open !== null);
  const max = Math.max(1, ...sampled.map((p) => Math.max(p.open!, p.dead ?? 0)));
  // Inset by a dot's radius, so the newest point is not cut at the edge.
  const step = (WIDTH - 3) / Math.max(1, points.length - 1);
  const y = (v: number) => (HEIGHT - 1 - (v / max) * (HEIGHT - 4)).toFixed(1);
  const path = (value: (p: BacklogPoint) => number | null): string => {
    let d = '';
    let pen = false;
    points.forEach((p, i) => {
      const v = value(p);
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${(i * step).toFixed(1)} ${y(v)} `;
      pen = true;
    });
    return d.trim();
  };
  const latest = sampled[sampled.length - 1];
  const peak = sampled.reduce<BacklogPoint | null>((best, p) => (p.open! > (best?.open ?? -1) ? p : best), null);
  const label = !latest
    ? `Outbox backlog: not sampled yet in the last ${points.length} minutes.`
    : `Outbox backlog over the last ${points.length} minutes (UTC): now ${latest.open} open and ${latest.dead} dead; highest ${peak!.open} open at ${clock(peak!.at)}.`;
  const open = path((p) => p.open);
  const dead = path((p) => p.dead);
  // A lone sample (or the latest one) draws no visible line: dots mark where the lines end.
  const at = latest ? (points.indexOf(latest) * step).toFixed(1) : '0';
  const dots = latest ? html`<circle class="dot" cx="${at}" cy="${y(latest.open!)}" r="2.5"/><circle class="dot-dead" cx="${at}" cy="${y(latest.dead ?? 0)}" r="2.5"/>` : null;
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${TOTAL_HEIGHT}" width="${WIDTH}" height="${TOTAL_HEIGHT}" role="img" aria-label="${label}" data-samples="${sampled.length}"><title>${label}</title><line class="axis" x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}"/>${
    open ? html`<path class="line" d="${open}"/>` : null
  }${dead ? html`<path class="line-dead" d="${dead}"/>` : null}${dots}${labels(points.length, `max ${max}`)}</svg>`;
}
