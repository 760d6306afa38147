/**
 * Which action answers which Dialogflow call, and the adapter's few knobs, read from a JSON file
 * (DIALOGFLOW_MAPPING_FILE, default `dialogflow.mapping.json` in the working folder when present).
 * Without an entry, ES intent `File Ticket` and CX tag `file_ticket` run `action_file_ticket`
 * (`action_` + the name in lower case, other characters as `_`); `cli check --dialogflow-mapping`
 * reports mapped names that reach no registered action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ES_MESSENGER_PLATFORMS } from './map-responses';

const names = z.record(z.string(), z.string().min(1));

export const MappingFileSchema = z.strictObject({
  /** Rasa domain (file or folder) to render `utter_*` responses and read forms from; relative to this file. */
  domainFile: z.string().min(1).optional(),
  es: z
    .strictObject({
      /** Intent display name → action name. */
      intents: names.default({}),
      /** Action named in a FollowupAction → ES event to trigger instead of running it here. */
      followupEvents: names.default({}),
      /** Id of the output context that carries the slots between turns. */
      slotContext: z.string().regex(/^[a-z0-9_%-]{1,250}$/, 'lower-case letters, digits, _ - % only').default('actionbridge_slots'),
      /** Turns the slot context survives without being refreshed (Dialogflow also drops it after 20 idle minutes). */
      contextLifespan: z.number().int().min(1).max(1000).default(50),
      /** Messenger integrations that get their own copy of replies with buttons or images (quick replies, cards, images). */
      platforms: z.array(z.enum(ES_MESSENGER_PLATFORMS)).default([]),
      deadlineMs: z.number().int().positive().optional(),
    })
    .default({ intents: {}, followupEvents: {}, slotContext: 'actionbridge_slots', contextLifespan: 50, platforms: [] }),
  cx: z
    .strictObject({
      /** Fulfillment tag → action name. */
      tags: names.default({}),
      /** Action named in a FollowupAction → `projects/.../flows/<F>` or `.../flows/<F>/pages/<P>` to transition to. */
      targets: z
        .record(
          z.string(),
          z.string().regex(/^projects\/[^/]+\/locations\/[^/]+\/agents\/[^/]+\/flows\/[^/]+(\/pages\/[^/]+)?$/, 'a CX flow or page resource name'),
        )
        .default({}),
      deadlineMs: z.number().int().positive().optional(),
    })
    .default({ tags: {}, targets: {} }),
  messages: z
    .strictObject({
      /** Said when no registered action matches the intent or tag. */
      unknown: z.string().min(1).optional(),
      /** Said when the action is still running at the deadline. */
      pending: z.string().min(1).optional(),
      /** Said when the action failed. */
      failed: z.string().min(1).optional(),
    })
    .default({}),
});

export type DialogflowMapping = z.output<typeof MappingFileSchema>;

export const DEFAULT_MESSAGES = {
  unknown: "Sorry, I can't help with that here yet.",
  pending: "I'm still working on that. Give me a moment and ask me again.",
  failed: 'Sorry, something went wrong on my side. Please try again in a moment.',
} as const;

export const DEFAULT_MAPPING_FILE = 'dialogflow.mapping.json';

export class MappingFileError extends Error {
  constructor(file: string, problem: string) {
    super(`Dialogflow mapping file ${file}: ${problem}`);
    this.name = 'MappingFileError';
  }
}

export function parseMapping(input: unknown, file = '(inline)'): DialogflowMapping {
  const parsed = MappingFileSchema.safeParse(input);
  if (!parsed.success) {
    throw new MappingFileError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/**
 * Reads the mapping. An explicitly named file must exist and be valid (a typo should stop
 * start-up, not silently route nothing); the default file is optional.
 */
export function loadMapping(file: string | undefined, cwd = process.cwd()): DialogflowMapping {
  const explicit = file !== undefined;
  const full = path.resolve(cwd, file ?? DEFAULT_MAPPING_FILE);
  if (!fs.existsSync(full)) {
    if (explicit) throw new MappingFileError(full, 'file not found');
    return parseMapping({});
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (err) {
    throw new MappingFileError(full, `not valid JSON (${(err as Error).message})`);
  }
  const mapping = parseMapping(json, full);
  if (mapping.domainFile) mapping.domainFile = path.resolve(path.dirname(full), mapping.domainFile);
  return mapping;
}

/** `Order Status` → `order_status`: lower case, runs of other characters → one `_`. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The default actions for a name, in order: the name itself when it already reads like an
 * action (`action_…`, `validate_…`), then `action_<slug>`.
 */
export function defaultActionNames(name: string): string[] {
  const s = slug(name);
  if (!s) return [];
  if (s.startsWith('action_')) return [s];
  if (s.startsWith('validate_')) return [s, `action_${s}`];
  return [`action_${s}`];
}

/**
 * Candidates for an ES call, first registered wins. A mapped intent runs exactly its mapped
 * action; otherwise the intent's `action` field, then the defaults.
 */
export function esCandidates(mapping: DialogflowMapping, intentName: string | null, intentAction: string | null): string[] {
  if (intentName && Object.prototype.hasOwnProperty.call(mapping.es.intents, intentName)) return [mapping.es.intents[intentName]!];
  const out: string[] = [];
  if (intentAction) out.push(intentAction);
  if (intentName) out.push(...defaultActionNames(intentName));
  return out;
}

export function cxCandidates(mapping: DialogflowMapping, tag: string): string[] {
  if (Object.prototype.hasOwnProperty.call(mapping.cx.tags, tag)) return [mapping.cx.tags[tag]!];
  return defaultActionNames(tag);
}
