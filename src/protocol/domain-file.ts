/** Reads a Rasa domain: one YAML file, or a folder of them merged as Rasa merges split domains. */
import fs from 'node:fs';
import path from 'node:path';
import type { parse } from 'yaml';
import type { Domain } from './request';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The YAML parser is loaded on the first domain file read: `serve` never reads one. */
function parseYaml(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as { parse: typeof parse }).parse(text);
}

function merge(into: Domain, part: Domain): Domain {
  for (const [key, value] of Object.entries(part)) {
    const existing = into[key];
    if (Array.isArray(existing) && Array.isArray(value)) into[key] = [...existing, ...value];
    else if (isObject(existing) && isObject(value)) into[key] = { ...existing, ...value };
    else into[key] = value;
  }
  return into;
}

export function readDomain(file: string): Domain {
  const stat = fs.statSync(file);
  const files = stat.isDirectory()
    ? fs
        // Rasa loads a split domain from the whole tree under the folder, subfolders included.
        .readdirSync(file, { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(file, f))
    : [file];
  const domain: Domain = {};
  for (const f of files) {
    const parsed: unknown = parseYaml(fs.readFileSync(f, 'utf8'));
    if (parsed !== null && !isObject(parsed)) throw new Error(`${f} is not a YAML mapping`);
    if (parsed) merge(domain, parsed);
  }
  return domain;
}

/** Names listed under `actions:` (entries may be strings or single-key mappings). */
export function domainActions(domain: Domain): string[] {
  const list = Array.isArray(domain.actions) ? domain.actions : [];
  return list.flatMap((a) => (typeof a === 'string' ? [a] : isObject(a) ? Object.keys(a) : []));
}

export function domainSlots(domain: Domain): string[] {
  return isObject(domain.slots) ? Object.keys(domain.slots) : [];
}

export function domainForms(domain: Domain): string[] {
  return isObject(domain.forms) ? Object.keys(domain.forms) : [];
}
