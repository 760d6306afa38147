/**
 * The system Chromium the browser tests drive (playwright-core brings no browser of its own).
 * CHROMIUM_PATH wins; else the usual names on PATH. Missing, the test fails saying how to install
 * it (`.ci/run` installs Debian's `chromium` package): a browser test never skips.
 */
import fs from 'node:fs';
import path from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.CHROMIUM_PATH;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist.`);
    return given;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  throw new Error('No Chromium found for the browser tests: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.');
}
