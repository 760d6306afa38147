/**
 * `GET /status`: one self-contained page for operators (no external assets, so it works on a
 * locked-down network) that polls `/status.json`. Both behind METRICS_TOKEN when set; the page
 * forwards its own query string so `?token=` keeps working for its polls.
 */
import { Router } from 'express';
import type { Metrics } from '../../observability/metrics';
import { requireToken, type AcceptedTokens } from '../../http/auth';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ActionBridge status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:20px;margin:0 0 16px}h2{font-size:16px;margin:24px 0 8px}
table{border-collapse:collapse;background:#fff;min-width:480px}
th,td{padding:6px 12px;border-bottom:1px solid #e3e6eb;text-align:left}
th{background:#eef1f5;font-weight:600}
.closed{color:#177245;font-weight:600}.open{color:#b42318;font-weight:600}.half-open{color:#b54708;font-weight:600}
.cards{display:flex;gap:12px}.card{background:#fff;padding:12px 16px;border:1px solid #e3e6eb;border-radius:6px}
.card b{display:block;font-size:22px}#updated{color:#667085;font-size:12px}
</style></head><body>
<h1>ActionBridge status</h1><div id="updated">loading…</div>
<h2>Connectors</h2>
<table><thead><tr><th>Connector</th><th>Breaker</th><th>Calls</th><th>Errors</th><th>Error rate</th><th>p95 latency</th></tr></thead><tbody id="connectors"></tbody></table>
<h2>Outbox</h2>
<div class="cards"><div class="card">Backlog<b id="depth">–</b></div><div class="card">Oldest open job<b id="oldest">–</b></div><div class="card">Dead letters<b id="dead">–</b></div></div>
<h2>Recent failures</h2>
<table><thead><tr><th>Time</th><th>Source</th><th>Name</th><th>Kind</th></tr></thead><tbody id="failures"></tbody></table>
<script>
function cell(row, text, cls){var td=document.createElement('td');td.textContent=text;if(cls)td.className=cls;row.appendChild(td);}
function fill(id, rows){var body=document.getElementById(id);body.replaceChildren();rows.forEach(function(cells){var tr=document.createElement('tr');cells.forEach(function(c){cell(tr,c[0],c[1]);});body.appendChild(tr);});}
function render(s){
  fill('connectors', s.connectors.map(function(c){return [[c.name],[c.breaker,c.breaker],[String(c.calls)],[String(c.errors)],[(c.errorRate*100).toFixed(1)+' %'],[c.p95Ms===null?'–':Math.round(c.p95Ms)+' ms']];}));
  if(s.connectors.length===0) fill('connectors', [[['no connector calls yet']]]);
  var o=s.outbox;
  document.getElementById('depth').textContent=o?String(o.depth):'–';
  document.getElementById('oldest').textContent=o&&o.oldestAgeSeconds!==null?Math.round(o.oldestAgeSeconds)+' s':'–';
  document.getElementById('dead').textContent=o?String(o.deadLetters):'–';
  fill('failures', s.failures.map(function(f){return [[f.at],[f.source],[f.name],[f.kind]];}));
  document.getElementById('updated').textContent='updated '+new Date().toLocaleTimeString();
}
function poll(){fetch('status.json'+location.search,{credentials:'same-origin'}).then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.json();}).then(render).catch(function(e){document.getElementById('updated').textContent='refresh failed: '+e.message;});}
poll();setInterval(poll,5000);
</script></body></html>`;

export function statusRoutes(metrics: Metrics, tokens: AcceptedTokens): Router {
  const router = Router();
  const auth = requireToken(tokens);
  router.get('/status', auth, (_req, res) => {
    res.status(200).set('Cache-Control', 'no-store').type('html').send(PAGE);
  });
  router.get('/status.json', auth, (_req, res) => {
    res.status(200).set('Cache-Control', 'no-store').json(metrics.snapshot());
  });
  return router;
}
