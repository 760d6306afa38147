/**
 * The console's HTML, built as strings on the server: every value goes through `esc`, so text
 * from a job's error, an action name or a request id can never become markup.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup already escaped, tagged so the two kinds of string are not mixed up by accident. */
export interface Html {
  readonly html: string;
}

export const raw = (html: string): Html => ({ html });

/** A template tag: interpolated values are escaped unless they are Html (or arrays of it). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return raw(out);
}

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (typeof v === 'object' && 'html' in v) return (v as Html).html;
  return esc(v);
}

/** Where the console's links point: the same path plus the `?token=` the page was opened with, if any. */
export interface Links {
  /** The METRICS_TOKEN the page was opened with as `?token=` (forms carry it on). */
  readonly token?: string;
  /** `href` with the request's token query parameter carried over (basic auth needs none). */
  to(path: string, query?: Record<string, string | undefined>): string;
}

export function linksFor(token: string | undefined): Links {
  return {
    token,
    to(path, query = {}) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
      if (token) params.set('token', token);
      const qs = params.toString();
      return qs ? `${path}?${qs}` : path;
    },
  };
}

export interface PageOptions {
  title: string;
  links: Links;
  /** Which tab of the navigation is current. */
  current: 'overview' | 'jobs' | 'login';
  admin: string | null;
  body: Html;
  role: string;
}

export function page(o: PageOptions): string {
  const nav = (key: PageOptions['current'], label: string, href: string) =>
    html`<a href="${href}"${key === o.current ? raw(' aria-current="page"') : ''}>${label}</a>`;
  return `<!doctype html>${
    html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ActionBridge</title>
<link rel="stylesheet" href="/status/assets/console.css"><script src="/status/assets/console.js" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><p class="brand">ActionBridge <span class="role">${o.role}</span></p><nav aria-label="Console">${nav('overview', 'Overview', o.links.to('/status'))}${nav('jobs', 'Jobs', o.links.to('/status/jobs'))}${
      o.admin
        ? html`<span class="who">admin: ${o.admin}</span><form method="post" action="${o.links.to('/status/logout')}" class="logout"><button type="submit">Log out</button></form>`
        : nav('login', 'Admin login', o.links.to('/status/login'))
    }</nav></header>
<main id="main" tabindex="-1"><h1>${o.title}</h1>${o.body}</main></body></html>`.html
  }`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatRate(rate: number, calls: number): string {
  return calls === 0 ? '—' : `${(rate * 100).toFixed(1)} %`;
}

/** An age for people: seconds, then minutes, hours, days. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d`;
}
