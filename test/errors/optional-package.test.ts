/**
 * Optional peers (vendor SDKs, OpenTelemetry, Sentry, amqplib, ioredis, nodemailer) are loaded
 * when a setting asks for them; one that is not installed is named, with the command to install
 * the version range package.json declares.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MissingPackageError, installCommand, requireOptional } from '../../src/errors/optional-package';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** What Node's resolver throws for a package that is not in any node_modules. */
const notFound = (request: string): Error =>
  Object.assign(new Error(`Cannot find module '${request}'\nRequire stack:\n- /somewhere/index.js`), { code: 'MODULE_NOT_FOUND' });

describe('requireOptional', () => {
  it('names the package, the setting that wants it and the install command with the declared range', () => {
    const range = manifest.peerDependencies.jsforce;
    expect(range).toBeDefined();
    let caught: unknown;
    try {
      requireOptional('jsforce', 'CRM_PROVIDER=salesforce', () => {
        throw notFound('jsforce');
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MissingPackageError);
    expect((caught as Error).message).toBe(`CRM_PROVIDER=salesforce is configured but the package jsforce is not installed: npm install jsforce@${range}`);
  });

  it('treats a missing path inside the package as the package missing', () => {
    expect(() =>
      requireOptional('@hubspot/api-client', 'CRM_PROVIDER=hubspot', () => {
        throw notFound('@hubspot/api-client/lib/codegen/crm/contacts');
      }),
    ).toThrow(/the package @hubspot\/api-client is not installed: npm install @hubspot\/api-client@\^/);
  });

  it('rethrows a missing module that is not the package (a bug of ours, or a broken install of another package)', () => {
    const other = notFound('jsforce-helpers');
    expect(() => requireOptional('jsforce', 'CRM_PROVIDER=salesforce', () => { throw other; })).toThrow(other);
  });

  it('rethrows an error the package raises while loading', () => {
    const boom = new TypeError('bad build');
    expect(() => requireOptional('ioredis', 'REDIS_URL', () => { throw boom; })).toThrow(boom);
  });

  it('returns what loads', () => {
    expect(requireOptional('yaml', 'a domain file', () => 42)).toBe(42);
  });

  it('a really absent package goes through Node\'s own resolver error', () => {
    expect(() =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      requireOptional('actionbridge-absent-package', 'SOMETHING', () => require('actionbridge-absent-package')),
    ).toThrow('SOMETHING is configured but the package actionbridge-absent-package is not installed: npm install actionbridge-absent-package');
  });
});

describe('installCommand', () => {
  it('uses the range package.json declares for each peer', () => {
    for (const [name, range] of Object.entries(manifest.peerDependencies)) expect(installCommand(name)).toBe(`npm install ${name}@${range}`);
  });

  it('quotes a range the shell would otherwise split or redirect', () => {
    expect(installCommand('jsforce', '>=3 <4')).toBe("npm install jsforce@'>=3 <4'");
  });
});

describe('package.json', () => {
  const dev = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;

  it('every optional peer is also a devDependency, so the repository\'s npm ci installs it for the tests', () => {
    const optional = Object.keys(manifest.peerDependenciesMeta).filter((n) => manifest.peerDependenciesMeta[n]?.optional);
    expect(optional.length).toBeGreaterThan(0);
    expect(optional.filter((n) => !dev[n])).toEqual([]);
  });

  it('zod is a required peer: actions build their schemas with the same zod the SDK checks them with', () => {
    expect(manifest.peerDependencies.zod).toBeDefined();
    expect(manifest.peerDependenciesMeta.zod?.optional).not.toBe(true);
    expect(dev.zod).toBeDefined();
  });
});
