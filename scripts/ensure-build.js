#!/usr/bin/env node
// `npm start` must work straight after `npm ci`: compile when dist/ is missing or older than any source.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const sources = Math.max(
  newestMtime(path.join(root, 'src')),
  newestMtime(path.join(root, 'actions')),
  fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs,
);
const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built < sources) {
  process.stderr.write('actionbridge: compiling TypeScript...\n');
  // A clean build: a file moved or deleted in src/ must not live on in dist/ (and ship).
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
    cwd: root,
  });
  fs.writeFileSync(stamp, new Date().toISOString());
}
// The embedded store's template (initdb done ahead of time): made once, copied on each build.
// Without it a first start runs initdb itself, slower but working, so a failure here only warns.
if (!fs.existsSync(path.join(root, 'dist', 'embedded'))) {
  try {
    execFileSync(process.execPath, [path.join(__dirname, 'embedded-template.js')], { stdio: 'inherit', cwd: root });
  } catch {
    process.stderr.write('actionbridge: going on without the template; the first start will create the database\n');
  }
}
