/**
 * Severity from the words of a problem report, for when the user did not say. Rules are checked
 * from the most severe down, so "the site is down and there is a typo" is critical.
 */
import { SEVERITIES, type Severity } from '../../src/ports/ticketing';

const RULES: [Severity, RegExp][] = [
  ['critical', /\b(outage|(is|are|went|goes|gone) down|down for (everyone|all)|data loss|lost (all|our) data|security|breach|hacked|production (is )?(down|broken)|urgent|emergency|nobody can|no one can|all users|everyone is affected)\b/i],
  ['high', /\b(crash(es|ed|ing)?|error|fail(s|ed|ing|ure)?|broken|cannot|can't|can not|unable|blocked|not working|doesn't work|does not work|stuck)\b/i],
  ['low', /\b(typo|cosmetic|question|suggestion|nice to have|minor|small issue|feature request|would be nice|wording)\b/i],
];

export function triageSeverity(...texts: (string | undefined)[]): Severity {
  const text = texts.filter(Boolean).join('\n');
  for (const [severity, rule] of RULES) if (rule.test(text)) return severity;
  return 'medium';
}

// A Map: the key is what the user typed, and `constructor` must not find Object.prototype's.
const SYNONYMS = new Map<string, Severity>([
  ['blocker', 'critical'],
  ['urgent', 'critical'],
  ['highest', 'critical'],
  ['p1', 'critical'],
  ['major', 'high'],
  ['p2', 'high'],
  ['normal', 'medium'],
  ['moderate', 'medium'],
  ['p3', 'medium'],
  ['minor', 'low'],
  ['lowest', 'low'],
  ['trivial', 'low'],
  ['p4', 'low'],
]);

/** A severity as the user typed it ("Urgent", "minor", "P2") in the allowed set, or null. */
export function parseSeverity(value: unknown): Severity | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  return SYNONYMS.get(v) ?? null;
}
