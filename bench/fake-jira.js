/**
 * A loopback Jira Cloud for bench/outbox.js: only the routes the Jira connector calls while it
 * files tickets (create, the label search it verifies with, get issue), each answered after a
 * fixed latency. The test fake in test/support/fakes is TypeScript with fault modes; the bench
 * needs a vendor that is slow and nothing else, and plain JS like the rest of bench/.
 *
 * Strict where the connector could silently go wrong: basic auth, a project key, a summary and
 * labels without spaces, or 400/401 as Jira answers them, so a bench that files nothing fails.
 */
'use strict';
const http = require('node:http');

const MAX_BODY = 1024 * 1024;

/**
 * @param {{ email: string, apiToken: string, latencyMs: number }} opts
 * @returns {Promise<{ url: string, issues: Map<string, object>, counts: { create: number, search: number, other: number, connections: number }, close(): Promise<void> }>}
 */
function startFakeJira(opts) {
  const expected = `Basic ${Buffer.from(`${opts.email}:${opts.apiToken}`).toString('base64')}`;
  const issues = new Map();
  const byLabel = new Map();
  const counts = { create: 0, search: 0, other: 0, connections: 0 };
  let seq = 0;
  let url = '';

  const reply = (res, status, body) => {
    const text = JSON.stringify(body);
    // The latency is the vendor's time to answer; it applies to every route alike.
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    }, opts.latencyMs);
  };
  const jiraError = (res, status, errorMessages, errors = {}) => reply(res, status, { errorMessages, errors });

  function create(res, body) {
    counts.create++;
    const fields = body && typeof body.fields === 'object' && body.fields !== null ? body.fields : {};
    const errors = {};
    if (typeof fields.summary !== 'string' || fields.summary.trim() === '' || fields.summary.includes('\n')) errors.summary = 'You must specify a valid summary.';
    const project = fields.project && fields.project.key;
    if (typeof project !== 'string' || project === '') errors.project = 'Specify a valid project ID or key';
    const labels = Array.isArray(fields.labels) ? fields.labels : [];
    if (labels.some((l) => typeof l !== 'string' || /\s/.test(l) || l.length > 255)) errors.labels = 'A label contains spaces or is too long.';
    if (Object.keys(errors).length > 0) return jiraError(res, 400, [], errors);
    seq++;
    const issue = { id: String(10000 + seq), key: `${project}-${seq}`, fields: { summary: fields.summary, status: { name: 'To Do' }, labels } };
    issues.set(issue.key, issue);
    for (const l of labels) {
      if (!byLabel.has(l)) byLabel.set(l, []);
      byLabel.get(l).push(issue);
    }
    reply(res, 201, { id: issue.id, key: issue.key, self: `${url}/rest/api/3/issue/${issue.id}` });
  }

  function search(res, body) {
    counts.search++;
    const label = /labels\s*=\s*"([^"]+)"/.exec(String((body && body.jql) || ''))?.[1];
    const hits = label ? byLabel.get(label) || [] : [...issues.values()];
    reply(res, 200, { issues: hits.slice(0, 1).map((i) => ({ id: i.id, key: i.key, self: '', fields: i.fields })), isLast: true });
  }

  function route(req, res, raw) {
    if (req.headers.authorization !== expected) return jiraError(res, 401, ['You are not authenticated. Authentication required to perform this operation.']);
    const path = (req.url || '').split('?')[0];
    let body;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return jiraError(res, 400, ['Unexpected character in the request body.']);
      }
    }
    if (req.method === 'POST' && path === '/rest/api/3/issue') return create(res, body);
    if (req.method === 'POST' && path === '/rest/api/3/search/jql') return search(res, body);
    counts.other++;
    const issuePath = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(path);
    const issue = req.method === 'GET' && issuePath ? issues.get(decodeURIComponent(issuePath[1])) : undefined;
    if (issue) return reply(res, 200, { id: issue.id, key: issue.key, self: `${url}/rest/api/3/issue/${issue.id}`, fields: issue.fields });
    return jiraError(res, 404, ['Not found.']);
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => route(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 60_000;
  // Whether the connector reuses its connections shows here: a new one per call costs a handshake.
  server.on('connection', () => counts.connections++);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url,
        issues,
        counts,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

module.exports = { startFakeJira };
