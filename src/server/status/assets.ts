/**
 * The console's only stylesheet and script, served from this process (`/status/assets/...`) so
 * the Content-Security-Policy can forbid inline code and every other origin. They hold no data,
 * so they need no token (a page opened with `?token=` could not pass one to them anyway).
 *
 * Colours: text and controls meet WCAG AA contrast on their backgrounds (the lightest pair,
 * #475467 on #ffffff, is about 7.7:1); state is never told by colour alone (the word is there too).
 */

export const CONSOLE_CSS = `
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#101828;background:#f2f4f7}
a{color:#0b4fb3}a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible,.scroll:focus-visible,main:focus-visible{outline:3px solid #f79009;outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px}.skip:focus{left:8px}
header{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;padding:10px 24px;background:#101828;color:#fff}
header a{color:#fff}header .brand{margin:0;font-weight:700}.role{font-weight:400;font-size:13px;border:1px solid #98a2b3;border-radius:10px;padding:0 8px;margin-left:6px}
nav{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:center}form.logout{margin:0}form.logout button{padding:2px 10px;background:#101828;border-color:#d0d5dd}
nav a[aria-current=page]{text-decoration:underline;text-underline-offset:4px;font-weight:700}.who{color:#d0d5dd}
main{padding:16px 24px 48px;max-width:1400px}
h1{font-size:22px;margin:8px 0 12px}h2{font-size:18px;margin:28px 0 8px}
.toolbar{display:flex;flex-wrap:wrap;gap:12px;align-items:center}#updated{margin:0;color:#475467}
button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid #0b4fb3;background:#0b4fb3;color:#fff;cursor:pointer}
button[aria-pressed=true]{background:#fff;color:#0b4fb3}
.scroll{overflow-x:auto;max-width:100%;background:#fff;border:1px solid #d0d5dd;border-radius:6px}
table{border-collapse:collapse;width:100%}
caption{text-align:left;padding:8px 12px;color:#475467;font-size:13px}
th,td{padding:6px 10px;border-top:1px solid #eaecf0;text-align:left;vertical-align:middle;white-space:nowrap}
thead th,thead td{background:#f9fafb;font-size:13px}th[scope=colgroup]{text-align:center;border-left:1px solid #d0d5dd}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.error{white-space:normal;min-width:16em;max-width:40em;overflow-wrap:anywhere}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.bad{color:#b42318;font-weight:600}
.breaker,.status{display:inline-block;padding:0 8px;border-radius:10px;font-weight:600;font-size:13px;border:1px solid currentColor}
.breaker-closed,.status-done{color:#067647}.breaker-open,.status-dead{color:#b42318}.breaker-half-open,.status-running,.status-queued{color:#93370d}.status-pending{color:#344054}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #d0d5dd;border-radius:6px;padding:8px 16px;min-width:120px}
.card .label{display:block;color:#475467;font-size:13px;text-transform:capitalize}.card b{display:block;font-size:24px;font-variant-numeric:tabular-nums}
.card.alert{border-color:#b42318;border-width:2px}
.note{color:#475467;font-size:13px}.empty{color:#475467}
.notice{background:#ecfdf3;border:1px solid #067647;border-radius:6px;padding:8px 12px}.notice.bad{background:#fef3f2;border-color:#b42318}
figure{margin:12px 0;background:#fff;border:1px solid #d0d5dd;border-radius:6px;padding:8px 12px;display:inline-block;max-width:100%}
figcaption{font-size:13px;color:#475467;margin-bottom:4px}
.chart{display:block;max-width:100%;height:auto}
.chart .bar{fill:#2e6bd1}.chart .bar-error{fill:#b42318}.chart .axis{stroke:#98a2b3;stroke-width:1}
.chart .line{fill:none;stroke:#2e6bd1;stroke-width:2}.chart .line-dead{fill:none;stroke:#b42318;stroke-width:2;stroke-dasharray:4 2}.chart .dot{fill:#2e6bd1}.chart .dot-dead{fill:#b42318}.chart .tick{font-size:9px;fill:#475467}
form.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end;margin:0 0 16px}
form.filters label{display:block;font-size:13px;color:#344054}
select,input{font:inherit;padding:5px 8px;border:1px solid #667085;border-radius:6px;background:#fff;color:#101828;display:block}
form.login{background:#fff;border:1px solid #d0d5dd;border-radius:6px;padding:12px 16px;max-width:28em}
form.login input{width:100%}form.login label{display:block;margin-bottom:4px}
table.detail{background:#fff;border:1px solid #d0d5dd;max-width:60em}table.detail th{width:12em}table.detail td{white-space:normal;overflow-wrap:anywhere}
form.retry{margin:16px 0}
@media (max-width:640px){
  body{font-size:14px}header{padding:8px 12px}main{padding:12px}
  th,td{padding:5px 8px}.card{flex:1 1 40%}.card b{font-size:20px}
  /* Numbers first on a phone: the per-minute charts repeat what the numbers say (their labels too). */
  .chart-col{display:none}
}
`;

/**
 * Refreshes the overview's live part every 15 s (not while it holds the keyboard focus, the tab
 * is hidden, or the operator paused it), by fetching the same page and swapping the part in.
 */
export const CONSOLE_JS = `(function () {
  'use strict';
  var live = document.getElementById('live');
  var pause = document.getElementById('pause');
  if (!live || !pause) return;
  var paused = false;
  pause.hidden = false;
  pause.addEventListener('click', function () {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume auto-refresh' : 'Pause auto-refresh';
  });
  function refresh() {
    if (paused || document.hidden || live.contains(document.activeElement)) return;
    fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var next = doc.getElementById('live');
        var updated = doc.getElementById('updated');
        if (next) { live.replaceWith(document.adoptNode(next)); live = next; }
        if (updated) document.getElementById('updated').replaceChildren.apply(document.getElementById('updated'), Array.prototype.slice.call(updated.childNodes).map(function (n) { return document.adoptNode(n); }));
      })
      .catch(function (e) { document.getElementById('updated').textContent = 'Refresh failed (' + e.message + '); showing older numbers.'; });
  }
  setInterval(refresh, 15000);
})();
`;
