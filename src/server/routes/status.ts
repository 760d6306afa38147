/**
 * The ops console, on the action server and on each worker's WORKER_PORT alike:
 *
 * - `GET /status` (overview), `GET /status.json` (the same as data), `GET /status/jobs` and
 *   `GET /status/jobs/:ref`: behind METRICS_TOKEN, like /metrics;
 * - `POST /status/jobs/:ref/retry`: also needs an admin session (ADMIN_TOKEN, pasted once into
 *   `/status/login`), its CSRF token and a same-origin Origin; recorded in the audit log.
 *
 * Every page is same-origin only: a strict Content-Security-Policy, no inline code, no other host.
 */
import os from 'node:os';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../../errors';
import { tokenCheck, unauthorized, type AcceptedTokens } from '../../http/auth';
import { requestIdOf, sendError } from '../../http/node-http';
import { createRateLimiters, type RateLimiter } from '../../ratelimit';
import { JOB_STATUSES, type JobStatus } from '../../delivery/outbox';
import { parseJobReference } from '../../delivery/job-reference';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import { payloadHash, type AuditEvent } from '../../observability/audit/chain';
import { AdminSessions, ADMIN_NAME, cookieValue, SESSION_COOKIE, sameOrigin, sessionCookie, type AdminSession } from '../status/admin-session';
import { CONSOLE_CSS, CONSOLE_JS } from '../status/assets';
import { consoleData, type ConsoleOutbox } from '../status/console-data';
import { readForm } from '../status/form-body';
import { linksFor, type Links } from '../status/html';
import { AGE_FILTERS, jobDetailPage, jobsListPage, loginPage, type AgeFilter, type JobsFilter } from '../status/jobs-pages';
import { overviewPage } from '../status/overview-page';

/** Where admin actions are recorded: the audit recorder (flushed at once, so the row is there when the page answers). */
export interface AuditSink {
  record(event: AuditEvent): void;
  flush(): Promise<void>;
}

export interface StatusConsoleOptions {
  metrics: Metrics;
  /** METRICS_TOKEN: guards every page; none = open (a private network). */
  metricsToken?: AcceptedTokens;
  /** ADMIN_TOKEN: who may retry jobs; none = the console is read-only. */
  adminToken?: AcceptedTokens;
  /** The shared outbox (counts, jobs, retry); absent = the page shows this process's last sample. */
  outbox?: ConsoleOutbox;
  audit?: AuditSink;
  logger?: Logger;
  /** `server` or `worker`, shown in the header with the host name (which replica is this?). */
  role?: string;
}

export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Failed admin logins per client address before the login refuses to check tokens (per process). */
export const LOGIN_FAILURES = { points: 10, durationSeconds: 300 };

const JOB_TYPE = /^[a-z][a-z0-9_.-]{0,63}$/;
const LIST_LIMIT = 100;

function secureHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on a form POST.
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  });
  next();
}

/**
 * METRICS_TOKEN in any of the usual forms; the 401 challenges with Basic alone, so a browser asks
 * for it (Chromium does not split a header listing Bearer and Basic, and prompts for neither).
 */
function requireConsoleToken(accepted: AcceptedTokens) {
  const authorized = tokenCheck(accepted);
  const challenge = unauthorized();
  const refusal = new AppError('auth', challenge.message, { headers: { 'WWW-Authenticate': 'Basic realm="ActionBridge ops console", charset="UTF-8"' } });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (authorized(req)) return next();
    sendError(res, refusal, { requestId: requestIdOf(req.headers['x-request-id']) });
  };
}

const isSecure = (req: Request): boolean => (req.socket as { encrypted?: boolean }).encrypted === true;

/** Only a path of this console, so `next` cannot send the administrator elsewhere. */
function localNext(value: string | null): string {
  return value && /^\/status(\/[A-Za-z0-9_\-/]*)?$/.test(value) ? value : '/status';
}

function parseFilter(q: Request['query']): JobsFilter {
  const one = (name: string): string | undefined => {
    const v = q[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new AppError('validation', `Give ${name} once.`);
    return v;
  };
  const status = one('status');
  const type = one('type');
  const age = one('age');
  if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) throw new AppError('validation', `status must be one of ${JOB_STATUSES.join(', ')}.`);
  if (type !== undefined && !JOB_TYPE.test(type)) throw new AppError('validation', 'type must be a job type such as ticket.create.');
  if (age !== undefined && !(age in AGE_FILTERS)) throw new AppError('validation', `age must be one of ${Object.keys(AGE_FILTERS).join(', ')}.`);
  return { status: status as JobStatus | undefined, type, age: age as AgeFilter | undefined };
}

export function statusRoutes(opts: StatusConsoleOptions): Router {
  const router = Router();
  const auth = requireConsoleToken(opts.metricsToken);
  const sessions = new AdminSessions(opts.adminToken);
  // Guessing ADMIN_TOKEN through the form: after LOGIN_FAILURES wrong tries an address waits.
  // Made on the first login attempt: a server whose console nobody logs in to never loads the limiter library.
  let loginLimiter: RateLimiter | undefined;
  const loginFailures = (): RateLimiter => (loginLimiter ??= createRateLimiters().limiter('console-login', LOGIN_FAILURES));
  const role = `${opts.role ?? 'server'} · ${os.hostname()}`;
  const links = (req: Request): Links => linksFor(typeof req.query.token === 'string' ? req.query.token : undefined);
  const sessionOf = (req: Request): AdminSession | null => sessions.verify(cookieValue(req, SESSION_COOKIE));
  const async = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => void fn(req, res).catch(next);

  // The stylesheet and script hold no data: no token (a page opened with ?token= cannot pass it on).
  router.get('/status/assets/console.css', secureHeaders, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('text/css').send(CONSOLE_CSS);
  });
  router.get('/status/assets/console.js', secureHeaders, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('text/javascript').send(CONSOLE_JS);
  });
  router.use(['/status.json', '/status'], secureHeaders, auth);

  router.get('/status.json', async(async (_req, res) => {
    res.status(200).json(await consoleData(opts.metrics, opts.outbox, role));
  }));
  router.get('/status', async(async (req, res) => {
    const data = await consoleData(opts.metrics, opts.outbox, role);
    res.status(200).type('html').send(overviewPage(data, links(req), sessionOf(req)?.name ?? null));
  }));

  const needOutbox = (): ConsoleOutbox => {
    if (!opts.outbox) throw new AppError('not_found', 'This process has no outbox to show.');
    return opts.outbox;
  };

  router.get('/status/jobs', async(async (req, res) => {
    const outbox = needOutbox();
    const filter = parseFilter(req.query);
    const jobs = await outbox.list({ status: filter.status, type: filter.type, olderThanSeconds: filter.age && AGE_FILTERS[filter.age], limit: LIST_LIMIT });
    const types = [...new Set([...jobs.map((j) => j.type), ...(filter.type ? [filter.type] : [])])].sort();
    res.status(200).type('html').send(jobsListPage({ jobs, filter, types, links: links(req), admin: sessionOf(req)?.name ?? null, role, nowMs: Date.now(), limit: LIST_LIMIT }));
  }));

  const jobRef = (req: Request): string => {
    const reference = parseJobReference(req.params.ref);
    if (!reference) throw new AppError('validation', 'Not a job reference (REF- and ten letters or digits).');
    return reference;
  };

  router.get('/status/jobs/:ref', async(async (req, res) => {
    const outbox = needOutbox();
    const job = await outbox.get(jobRef(req));
    if (!job) throw new AppError('not_found', 'No such job.');
    const session = sessionOf(req);
    const notice = req.query.retried === '1' && job.status !== 'dead' ? `Queued again by ${session?.name ?? 'an administrator'}; a worker will deliver it shortly.` : undefined;
    res.status(200).type('html').send(
      jobDetailPage({ job, links: links(req), admin: session?.name ?? null, role, nowMs: Date.now(), retry: { csrf: session ? sessions.csrfToken(session) : null, adminEnabled: sessions.enabled }, notice }),
    );
  }));

  router.post('/status/jobs/:ref/retry', async(async (req, res) => {
    const outbox = needOutbox();
    if (!sessions.enabled) throw new AppError('forbidden', 'ADMIN_TOKEN is not set: the console is read-only.');
    const session = sessionOf(req);
    if (!session) throw new AppError('auth', 'Log in as an administrator (/status/login) to retry jobs.');
    if (!sameOrigin(req, isSecure(req))) throw new AppError('forbidden', 'The request does not come from this console (Origin).', { code: 'csrf' });
    const form = await readForm(req);
    if (!sessions.csrfMatches(session, form.get('csrf'))) throw new AppError('forbidden', 'The form is stale or not from this console (CSRF token); reload the page.', { code: 'csrf' });
    const reference = jobRef(req);
    const job = await outbox.get(reference);
    if (!job) throw new AppError('not_found', 'No such job.');
    if (job.status !== 'dead') throw new AppError('conflict', `Job ${reference} is ${job.status}, not dead: nothing to retry.`);
    if (!(await outbox.retry(reference))) throw new AppError('conflict', `Job ${reference} was delivered meanwhile.`);
    const who = `${session.name} (admin token ${session.tokenId}, ${req.socket.remoteAddress ?? 'unknown address'})`;
    opts.audit?.record({ at: new Date(), kind: 'admin', sender: who, action: 'jobs.retry', connector: null, operation: reference, outcome: 'retried', latencyMs: 0, payloadSha256: payloadHash({ reference, type: job.type, from: 'dead' }) });
    await opts.audit?.flush();
    opts.logger?.info('ops console: dead job retried', { reference, type: job.type, admin: session.name, tokenId: session.tokenId });
    res.redirect(303, links(req).to(`/status/jobs/${reference}`, { retried: '1' }));
  }));

  router.get('/status/login', (req, res) => {
    res.status(200).type('html').send(loginPage({ links: links(req), role, next: localNext(typeof req.query.next === 'string' ? req.query.next : null), enabled: sessions.enabled }));
  });

  router.post('/status/login', async(async (req, res) => {
    if (!sessions.enabled) throw new AppError('forbidden', 'ADMIN_TOKEN is not set: the console is read-only.');
    // A login planted from another site would act under the planter's session: same origin only.
    if (!sameOrigin(req, isSecure(req))) throw new AppError('forbidden', 'The request does not come from this console (Origin).', { code: 'csrf' });
    const form = await readForm(req);
    const name = (form.get('name') ?? '').trim();
    const next = localNext(form.get('next'));
    const again = (status: number, error: string) => res.status(status).type('html').send(loginPage({ links: links(req), role, next, error, enabled: true }));
    const address = req.socket.remoteAddress ?? 'unknown';
    if ((await loginFailures().used(address)) >= LOGIN_FAILURES.points) {
      throw new AppError('rate_limited', 'Too many wrong admin tokens from this address; wait a few minutes.', { retryAfterSeconds: LOGIN_FAILURES.durationSeconds });
    }
    if (!ADMIN_NAME.test(name)) return void again(400, 'Give your name (letters, digits, space . @ _ -, at most 60): the audit log records who did what.');
    const login = sessions.login(form.get('admin_token') ?? '', name);
    if (!login) {
      await loginFailures().charge(address);
      opts.audit?.record({ at: new Date(), kind: 'admin', sender: `${name} (${req.socket.remoteAddress ?? 'unknown address'})`, action: 'console.login', connector: null, operation: null, outcome: 'refused', latencyMs: 0, payloadSha256: payloadHash({ name }) });
      opts.logger?.warn('ops console: admin login refused (wrong token)', { name });
      return void again(401, 'That is not an admin token here.');
    }
    res.set('Set-Cookie', sessionCookie(login.cookie, isSecure(req)));
    res.redirect(303, links(req).to(next));
  }));

  router.post('/status/logout', (req, res) => {
    res.set('Set-Cookie', sessionCookie('', isSecure(req), 0));
    res.redirect(303, links(req).to('/status'));
  });

  return router;
}
