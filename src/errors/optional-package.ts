/**
 * Vendor SDKs, OpenTelemetry, Sentry, amqplib, ioredis and nodemailer are optional peer
 * dependencies: an adopter's `npm install actionbridge` does not bring them. The code that needs
 * one loads it when the setting that asks for it is present, through `requireOptional`, so a
 * missing package surfaces at start-up as one sentence naming the package to install, instead of
 * a `Cannot find module` stack from deep inside an adapter.
 */
import fs from 'node:fs';
import path from 'node:path';

export class MissingPackageError extends Error {
  constructor(
    readonly packageName: string,
    readonly feature: string,
    readonly installCommand: string,
  ) {
    super(`${feature} is configured but the package ${packageName} is not installed: ${installCommand}`);
    this.name = 'MissingPackageError';
  }
}

/**
 * Runs `load` (a `require` of the package, or of our module that imports it) and turns the
 * resolver's failure to find `packageName` into a MissingPackageError. Any other failure,
 * including a missing module inside an installed package, is rethrown as it is.
 */
export function requireOptional<T>(packageName: string, feature: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!isMissing(err, packageName)) throw err;
    throw new MissingPackageError(packageName, feature, installCommand(packageName));
  }
}

function isMissing(err: unknown, packageName: string): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code !== 'MODULE_NOT_FOUND' || typeof e.message !== 'string') return false;
  // The first line names what could not be resolved: the package itself or a path inside it.
  const wanted = /^Cannot find module '([^']+)'/.exec(e.message)?.[1];
  return wanted === packageName || wanted?.startsWith(`${packageName}/`) === true;
}

/** `npm install name@range`, with the range this package declares for it, so versions agree. */
export function installCommand(packageName: string, range = ownManifest()?.peerDependencies?.[packageName]): string {
  return range ? `npm install ${packageName}@${shellQuoted(range)}` : `npm install ${packageName}`;
}

const shellQuoted = (range: string): string => (/^[\w.^~-]+$/.test(range) ? range : `'${range}'`);

interface Manifest {
  name?: string;
  peerDependencies?: Record<string, string>;
}

/** Our package.json: above this file both in src/ and in the compiled dist/src/. */
function ownManifest(): Manifest | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
        if (manifest.name === 'actionbridge') return manifest;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
