/**
 * `actionbridge types`: the Rasa domain as TypeScript declarations. The file fills the SDK's
 * `DomainSlots`, `DomainResponses` and `DomainForms` (src/sdk/domain-types.ts) by module
 * augmentation, so that once it is part of the compilation a slot, response or form name the
 * domain does not declare is a compile error in every action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Domain } from '../../protocol/request';
import { readDomain } from '../../protocol/domain-file';
import type { Io } from './io';

export const TYPES_USAGE = `  types                      Write TypeScript declarations of the domain's slots, responses and forms.
      --domain path            Domain file or folder (default: ./domain.yml, else ./domain/).
      --out path               Where to write them (default: ./domain.d.ts); include it in your tsconfig.
      --module name            The module they extend (default: actionbridge).`;

export class TypesUsageError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const literal = (s: string): string => JSON.stringify(s);
const union = (names: string[]): string => (names.length === 0 ? 'never' : names.map(literal).join(' | '));

/** The value type of a slot, as Rasa 3 types them; custom slot classes and `any` stay unknown. */
function slotType(spec: unknown): string {
  const info = isObject(spec) ? spec : {};
  switch (info.type) {
    case 'text':
      return 'string | null';
    case 'bool':
      return 'boolean | null';
    case 'float':
      return 'number | null';
    case 'list':
      return 'unknown[] | null';
    case 'categorical': {
      const values = Array.isArray(info.values) ? info.values.map(String) : [];
      return values.length > 0 ? `${union(values)} | null` : 'string | null';
    }
    default:
      return 'unknown';
  }
}

function requiredSlotsOf(form: unknown): string[] {
  const required = isObject(form) ? form.required_slots : undefined;
  if (Array.isArray(required)) return required.filter((s): s is string => typeof s === 'string');
  return isObject(required) ? Object.keys(required) : [];
}

/** The declaration file's text for `domain`, extending `moduleName`. */
export function domainTypesSource(domain: Domain, moduleName: string, from: string): string {
  const slots: [string, string][] = Object.entries(isObject(domain.slots) ? domain.slots : {}).map(([name, spec]) => [name, slotType(spec)]);
  const forms = Object.entries(isObject(domain.forms) ? domain.forms : {}).map(([name, spec]) => [name, requiredSlotsOf(spec)] as const);
  const responses = Object.keys(isObject(domain.responses) ? domain.responses : {});
  // Slots Rasa adds to every domain (requested_slot only to one with forms).
  const declared = new Set(slots.map(([name]) => name));
  if (forms.length > 0 && !declared.has('requested_slot')) slots.push(['requested_slot', 'string | null']);
  if (!declared.has('session_started_metadata')) slots.push(['session_started_metadata', 'unknown']);

  const lines = [
    `// Written by \`actionbridge types\` from ${from}. Run it again after changing the domain; edits here are lost.`,
    'export {};',
    '',
    `declare module ${literal(moduleName)} {`,
    '  interface DomainSlots {',
    ...slots.map(([name, type]) => `    ${literal(name)}: ${type};`),
    '  }',
    '  interface DomainResponses {',
    ...responses.map((name) => `    ${literal(name)}: true;`),
    '  }',
    '  interface DomainForms {',
    ...forms.map(([name, required]) => `    ${literal(name)}: ${union(required)};`),
    '  }',
    '}',
    '',
  ];
  return lines.join('\n');
}

export function typesCommand(args: string[], io: Io, defaultDomain: () => string | null): number {
  const { values } = parseArgs({ args, options: { domain: { type: 'string' }, out: { type: 'string' }, module: { type: 'string' } } });
  const domainPath = values.domain ?? defaultDomain();
  if (!domainPath) throw new TypesUsageError(`No domain found: no domain.yml or domain/ in ${process.cwd()}; pass --domain path/to/domain.yml`);
  const moduleName = values.module ?? 'actionbridge';
  if (moduleName.trim() === '') throw new TypesUsageError('--module needs a module name');
  const out = path.resolve(values.out ?? 'domain.d.ts');
  const from = path.relative(path.dirname(out), path.resolve(domainPath)).split(path.sep).join('/') || path.basename(domainPath);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, domainTypesSource(readDomain(domainPath), moduleName, from));
  io.out(`wrote ${path.relative(process.cwd(), out) || out}: the slots, responses and forms of ${domainPath} as types of '${moduleName}'`);
  return 0;
}
