/**
 * bench/RESULTS.md is written by more than one bench: `npm run bench` (run.js) writes the file,
 * and other benches (`npm run bench:outbox`) own a section of it between
 * `<!-- name:start -->` and `<!-- name:end -->`. Each writer replaces only what it owns, so a
 * full /webhook run does not erase the outbox numbers and the other way round.
 */
'use strict';

const markers = (name) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];

/** The section `name` of `text` with its markers, or null when it has none (or only half). */
function sectionOf(text, name) {
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) return null;
  return text.slice(from, to + end.length);
}

/** `text` with section `name` set to `body` (wrapped in its markers): in place, or appended. */
function replaceSection(text, name, body) {
  const [start, end] = markers(name);
  const wrapped = `${start}\n${body.trim()}\n${end}`;
  const old = sectionOf(text, name);
  if (old !== null) return text.replace(old, () => wrapped);
  return `${text.trimEnd()}\n\n${wrapped}\n`;
}

/** A freshly generated `text` that keeps the sections `names` found in `previous`. */
function keepSections(previous, text, names) {
  let out = text;
  for (const name of names) {
    const kept = previous === null ? null : sectionOf(previous, name);
    if (kept === null) continue;
    const [start, end] = markers(name);
    out = replaceSection(out, name, kept.slice(start.length, kept.length - end.length));
  }
  return out;
}

module.exports = { sectionOf, replaceSection, keepSections };
