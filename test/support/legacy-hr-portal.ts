/**
 * A small legacy HR portal, the kind the browser robot exists for: server-rendered HTML, a login
 * with a CSRF token in a session cookie, a three-step leave form, a slow confirmation page, a list
 * of the requests filed so far, and errors on demand (`failNext`) or at random (`errorRate`, for
 * the demo). It listens on 127.0.0.1 only. Used by the tests and by `npm run demo:legacy`.
 *
 * Strict like a real one: a POST without the session's CSRF token is refused (403), a step out of
 * order sends you back to the start, an end date before the start is refused with a form error.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const LEAVE_TYPES = ['annual', 'sick', 'unpaid', 'parental'] as const;

export interface LeaveRecord {
  number: string;
  employee: string;
  type: string;
  start: string;
  end: string;
  reason: string;
  /** The requester's own reference (the robot puts the job's reference here). */
  reference: string;
  filedBy: string;
}

export interface PortalOptions {
  username?: string;
  password?: string;
  /** How long the confirmation page takes (a slow legacy back end). */
  confirmationDelayMs?: number;
  /** Chance (0..1) that any page answers 500 (the demo's "occasional errors"). */
  errorRate?: number;
}

/**
 * Where an injected failure strikes: `before` answers 500 without doing anything; `after`
 * (submit only) files the request and then answers 500, as a back end that times out
 * after its commit does.
 */
export interface InjectedFailure {
  path: string;
  method?: 'GET' | 'POST';
  when?: 'before' | 'after';
  times?: number;
}

interface Session {
  csrf: string;
  user?: string;
  draft: Partial<Omit<LeaveRecord, 'number' | 'filedBy'>>;
}

export class LegacyHrPortal {
  readonly username: string;
  readonly password: string;
  readonly requests: LeaveRecord[] = [];
  /** Every request the portal answered, for tests that count (e.g. submits). */
  readonly hits: { method: string; path: string; status: number }[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly failures: Required<InjectedFailure>[] = [];
  private server?: http.Server;
  private nextNumber = 4711;
  url = '';

  constructor(private readonly opts: PortalOptions = {}) {
    this.username = opts.username ?? 'robot';
    this.password = opts.password ?? 'Secr3t-Passw0rd!';
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<h1>Internal error</h1>');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests to `path` fail (see InjectedFailure). */
  failNext(failure: InjectedFailure): void {
    this.failures.push({ method: 'POST', when: 'before', times: 1, ...failure });
  }

  submits(): number {
    return this.hits.filter((h) => h.method === 'POST' && h.path === '/leave/submit').length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://portal');
    const method = req.method ?? 'GET';
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      this.hits.push({ method, path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    const redirect = (to: string, headers: Record<string, string> = {}) => send(303, '', { location: to, ...headers });
    const form = method === 'POST' ? await readForm(req) : new URLSearchParams();

    const injected = this.injected(method, url.pathname);
    if (injected?.when === 'before' || (this.opts.errorRate && Math.random() < this.opts.errorRate)) return send(500, page('Error', '<h1>500 Internal Server Error</h1><p>The HR system is temporarily unavailable.</p>'));

    let sid = cookie(req, 'sid');
    let session = sid ? this.sessions.get(sid) : undefined;
    const setCookie: Record<string, string> = {};
    if (!session) {
      sid = randomBytes(12).toString('hex');
      session = { csrf: randomBytes(16).toString('hex'), draft: {} };
      this.sessions.set(sid, session);
      setCookie['set-cookie'] = `sid=${sid}; HttpOnly; Path=/; SameSite=Lax`;
    }
    if (method === 'POST' && form.get('csrf') !== session.csrf) return send(403, page('Forbidden', '<h1>403 Forbidden</h1><p>Invalid or missing CSRF token.</p>'), setCookie);
    const csrf = `<input type="hidden" name="csrf" value="${session.csrf}">`;

    if (url.pathname === '/login') {
      if (method === 'POST') {
        if (form.get('username') === this.username && form.get('password') === this.password) {
          session.user = this.username;
          return redirect('/home', setCookie);
        }
        return send(200, page('Log in', `<p class="error" id="login-error">Wrong user name or password.</p>${loginForm(csrf)}`), setCookie);
      }
      return send(200, page('Log in', loginForm(csrf)), setCookie);
    }
    if (!session.user) return redirect('/login', setCookie);

    switch (`${method} ${url.pathname}`) {
      case 'GET /':
      case 'GET /home':
        return send(200, page('Home', `<h1>Welcome, ${esc(session.user)}</h1><nav><a id="new-leave" href="/leave/new">Request leave</a> <a id="my-requests" href="/requests">My requests</a></nav>`));
      case 'GET /requests': {
        const ref = url.searchParams.get('reference');
        const rows = this.requests
          .filter((r) => !ref || r.reference === ref)
          .map((r) => `<tr data-reference="${esc(r.reference)}"><td class="number">${r.number}</td><td>${esc(r.employee)}</td><td>${r.type}</td><td>${r.start}</td><td>${r.end}</td><td class="reference">${esc(r.reference)}</td></tr>`)
          .join('');
        return send(200, page('My requests', `<h1>Leave requests</h1><table id="requests"><tr><th>Number</th><th>Employee</th><th>Type</th><th>From</th><th>To</th><th>Reference</th></tr>${rows}</table>`));
      }
      case 'GET /leave/new':
        session.draft = {};
        return send(200, page('Request leave (1/3)', stepOne(csrf)));
      case 'POST /leave/step1': {
        const type = form.get('type') ?? '';
        const start = form.get('start') ?? '';
        const end = form.get('end') ?? '';
        const employee = form.get('employee') ?? '';
        const error = !employee ? 'Employee is required.' : !(LEAVE_TYPES as readonly string[]).includes(type) ? 'Choose a leave type.' : !isDate(start) || !isDate(end) ? 'Dates must be yyyy-mm-dd.' : end < start ? 'The end date is before the start date.' : null;
        if (error) return send(200, page('Request leave (1/3)', `<p class="error" id="form-error">${error}</p>${stepOne(csrf)}`));
        session.draft = { employee, type, start, end };
        return redirect('/leave/details');
      }
      case 'GET /leave/details':
        if (!session.draft.type) return redirect('/leave/new');
        return send(200, page('Request leave (2/3)', `<form method="post" action="/leave/step2">${csrf}<label>Reason <textarea id="reason" name="reason"></textarea></label><label>Your reference <input id="reference" name="reference"></label><button id="next" type="submit">Next</button></form>`));
      case 'POST /leave/step2':
        if (!session.draft.type) return redirect('/leave/new');
        session.draft.reason = form.get('reason') ?? '';
        session.draft.reference = form.get('reference') ?? '';
        return redirect('/leave/review');
      case 'GET /leave/review': {
        const d = session.draft;
        if (!d.type || d.reason === undefined) return redirect('/leave/new');
        return send(200, page('Request leave (3/3)', `<h1>Check your request</h1><dl id="summary"><dt>Employee</dt><dd>${esc(d.employee ?? '')}</dd><dt>Type</dt><dd>${d.type}</dd><dt>From</dt><dd>${d.start}</dd><dt>To</dt><dd>${d.end}</dd></dl><form method="post" action="/leave/submit">${csrf}<button id="submit" type="submit">Submit request</button></form>`));
      }
      case 'POST /leave/submit': {
        const d = session.draft;
        if (!d.type || d.reason === undefined) return redirect('/leave/new');
        const record: LeaveRecord = { number: `HR-${this.nextNumber++}`, employee: d.employee!, type: d.type, start: d.start!, end: d.end!, reason: d.reason, reference: d.reference ?? '', filedBy: session.user };
        this.requests.push(record);
        session.draft = {};
        if (injected?.when === 'after') return send(500, page('Error', '<h1>500 Internal Server Error</h1><p>Request timed out.</p>'));
        return redirect(`/leave/confirmation/${record.number}`);
      }
      default: {
        const m = /^\/leave\/confirmation\/(HR-\d+)$/.exec(url.pathname);
        if (method === 'GET' && m && this.requests.some((r) => r.number === m[1])) {
          await new Promise((r) => setTimeout(r, this.opts.confirmationDelayMs ?? 0));
          return send(200, page('Request received', `<h1>Request received</h1><p>Your confirmation number is <strong id="confirmation-number">${m[1]}</strong>.</p>`));
        }
        return send(404, page('Not found', '<h1>404 Not Found</h1>'));
      }
    }
  }

  private injected(method: string, path: string): Required<InjectedFailure> | undefined {
    const i = this.failures.findIndex((f) => f.path === path && f.method === method && f.times > 0);
    if (i < 0) return undefined;
    const f = this.failures[i]!;
    f.times -= 1;
    if (f.times === 0) this.failures.splice(i, 1);
    return f;
  }
}

function loginForm(csrf: string): string {
  return `<h1>HR Portal</h1><form method="post" action="/login">${csrf}<label>User <input id="username" name="username"></label><label>Password <input id="password" name="password" type="password"></label><button id="login" type="submit">Log in</button></form>`;
}

function stepOne(csrf: string): string {
  const options = LEAVE_TYPES.map((t) => `<option value="${t}">${t}</option>`).join('');
  return `<form method="post" action="/leave/step1">${csrf}<label>Employee <input id="employee" name="employee"></label><label>Type <select id="type" name="type"><option value="">--</option>${options}</select></label><label>From <input id="start" name="start"></label><label>To <input id="end" name="end"></label><button id="next" type="submit">Next</button></form>`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title} - HR Portal</title><style>body{font-family:sans-serif;margin:2em}label{display:block;margin:.5em 0}.error{color:#b00}</style></head><body>${body}</body></html>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function isDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name) return v;
  }
  return undefined;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 64 * 1024) break;
  }
  return new URLSearchParams(body);
}
