/**
 * The one way settings are read from the environment, by the server's configuration, the
 * connectors and durable delivery alike. The rule: `<NAME>` wins, else the contents of the file
 * named by `<NAME>_FILE` (container secrets); surrounding whitespace is not part of a value (a
 * secret file's trailing newline); empty counts as unset. Also: secrets registered for log
 * redaction, and "missing" problems that name the variable and the provider that needs it.
 */
import fs from 'node:fs';
import { registerSecret } from '../observability/redact';
import { replaceUrlUserinfo } from '../observability/redact-scan';

export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The value of `name`, or of the file named by `name_FILE`; empty counts as unset. */
  get(name: string, opts: { secret?: boolean } = {}): string | undefined {
    let value = this.env[name];
    const file = this.env[`${name}_FILE`];
    if ((value === undefined || value === '') && file) {
      try {
        value = fs.readFileSync(file, 'utf8').trim();
      } catch (err) {
        this.problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        return undefined;
      }
    }
    if (value === undefined || value.trim() === '') return undefined;
    value = value.trim();
    if (opts.secret) registerSecret(value);
    return value;
  }

  /** Like get, but records "<name> is required when <because>" when it is unset. */
  require(name: string, because: string, opts: { secret?: boolean } = {}): string {
    const value = this.get(name, opts);
    if (value === undefined) this.problems.push(`${name} is required when ${because} (or set ${name}_FILE to a file holding it)`);
    return value ?? '';
  }

  /** An absolute http(s) URL, trailing slashes dropped. */
  url(name: string, fallback: string | undefined, because: string): string {
    const value = fallback === undefined ? this.require(name, because) : (this.get(name) ?? fallback);
    if (value === '') return value;
    try {
      const u = new URL(value);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    } catch {
      // The value may carry credentials (user:password@): never repeat them in the message.
      this.problems.push(`${name}: '${replaceUrlUserinfo(value, '[secret]')}' is not an http(s) URL`);
    }
    return value.replace(/\/+$/, '');
  }

  positiveInt(name: string, fallback: number): number {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) {
      this.problems.push(`${name}: '${raw}' is not a positive whole number`);
      return fallback;
    }
    return n;
  }
}
