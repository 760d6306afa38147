/**
 * Text cut to a vendor's limits without breaking it: limits are counted in UTF-16 units (what
 * JavaScript, Salesforce and Notion count), and a cut never falls inside a user-perceived
 * character (a surrogate pair, an emoji with its modifiers, a letter with its accents), which
 * would leave a lone surrogate (invalid JSON text for strict parsers) or U+FFFD behind.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `text` that fits in `max` UTF-16 units and ends on a character boundary. */
function fitEnd(text: string, start: number, max: number): number {
  const limit = start + max;
  if (limit >= text.length) return text.length;
  // Segment only the neighbourhood of the cut: a grapheme is a handful of units, rarely more.
  const from = Math.max(start, limit - 64);
  let end = from;
  for (const { index, segment } of graphemes.segment(text.slice(from, Math.min(text.length, limit + 64)))) {
    const segEnd = from + index + segment.length;
    if (segEnd > limit) break;
    end = segEnd;
  }
  // A single grapheme longer than the window (absurd combining runs): fall back to code points.
  if (end === from && from > start) return end;
  if (end === start) {
    end = limit;
    const unit = text.charCodeAt(end - 1);
    if (unit >= 0xd800 && unit <= 0xdbff) end -= 1;
  }
  return end;
}

/** `text` clipped to `max` units, ending with `…` when something was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, fitEnd(text, 0, max - 1))}…`;
}

/**
 * `text` in pieces of at most `max` units, cut at a line break or a space when one is near the
 * end of a piece (so words stay whole), else at a character boundary. Joined, they are `text`.
 */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    let end = fitEnd(text, start, max);
    const window = text.slice(start, end);
    const soft = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    if (soft > max * 0.8) end = start + soft + 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** Line breaks as `\n` only: Windows' `\r\n` and old Mac `\r` would otherwise reach the vendor's text as stray characters. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * `text` split into pieces each of which, once rendered by the vendor's format, fits its limit:
 * escaping and markup grow the text by an amount only the rendering knows, so the pieces start at
 * half the limit and halve until `render` accepts them all (it answers null while one is too big).
 */
export function renderInPieces<T>(text: string, limit: number, render: (pieces: string[]) => T | null): T {
  for (let size = Math.floor(limit / 2); ; size = Math.max(1, Math.floor(size / 2))) {
    const rendered = render(splitText(text, size));
    if (rendered !== null) return rendered;
  }
}
