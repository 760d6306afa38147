/**
 * Atlassian's own JSON schema of the Atlassian Document Format (shipped by @atlaskit/adf-schema):
 * the Jira fake refuses any description or comment it does not accept, as Jira does.
 *
 * Compiling the schema takes seconds, and every test file gets fresh modules; so the validator is
 * compiled once per schema version to JavaScript (Ajv's standalone code) in node_modules/.cache
 * and loaded from there afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath?: string; message?: string }[] | null };

const SCHEMA = require.resolve('@atlaskit/adf-schema/dist/json-schema/v1/full.json');
const VERSION = (JSON.parse(fs.readFileSync(path.join(SCHEMA, '../../../../package.json'), 'utf8')) as { version: string }).version;
const CACHE = path.resolve(__dirname, '../../../node_modules/.cache/actionbridge', `adf-validate-${VERSION}.cjs`);

let validate: Validate | undefined;

function build(): void {
  const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8')) as Record<string, unknown>;
  // A draft-04 schema that uses nothing draft-04-only; Ajv 8 reads it once the marker is gone.
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: false, code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(schema));
  fs.mkdirSync(path.dirname(CACHE), { recursive: true });
  // Written aside and renamed: test files compiling at once never read a half-written file.
  const tmp = `${CACHE}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, CACHE);
}

function compiled(): Validate {
  if (!validate) {
    if (!fs.existsSync(CACHE)) build();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    validate = require(CACHE) as Validate;
  }
  return validate;
}

/** Null when `doc` is valid ADF, else the first problem, as a path and a message. */
export function adfProblem(doc: unknown): string | null {
  const check = compiled();
  if (check(doc)) return null;
  const first = check.errors?.[0];
  return `${first?.instancePath || '/'} ${first?.message ?? 'is not valid ADF'}`;
}

/** Loads the validator now, so the first request a test sends is not held up by it. */
export function warmAdfSchema(): void {
  compiled();
}
