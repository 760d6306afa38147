/** `actionbridge --version`: the version of the installed package, from its package.json. */
import fs from 'node:fs';
import path from 'node:path';

/**
 * The nearest package.json above this file that is ActionBridge's: two folders up from the
 * sources (ts-jest, tsx), three from the compiled dist/.
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'actionbridge' && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`package.json of actionbridge not found above ${from}`);
  }
}
