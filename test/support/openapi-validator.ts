/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator. The package is ES
 * modules only, which jest's CommonJS runtime cannot load: it runs in a child `node`, fed the
 * document on stdin.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const SCRIPT = `
import { Validator } from '@seriousme/openapi-schema-validator';
let text = '';
for await (const chunk of process.stdin) text += chunk;
const validator = new Validator();
const result = await validator.validate(JSON.parse(text));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }));
`;

export interface OpenApiValidation {
  valid: boolean;
  version: string;
  errors: unknown;
}

export function validateOpenApi(document: unknown): Promise<OpenApiValidation> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: path.resolve(__dirname, '../..'), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`validator exited ${code}: ${err.slice(0, 2000)}`));
      resolve(JSON.parse(out) as OpenApiValidation);
    });
    child.stdin.end(JSON.stringify(document));
  });
}
