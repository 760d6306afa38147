/**
 * A notification's text cut to a vendor's limit without splitting a character (a surrogate pair
 * or an emoji with its modifiers): a lone surrogate is invalid JSON text for strict parsers.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `text` in at most `max` UTF-16 units, ending with `…` when something was cut. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { index, segment } of graphemes.segment(text.slice(0, max + 16))) {
    if (index + segment.length > max - 1) break;
    end = index + segment.length;
  }
  return `${text.slice(0, end)}…`;
}
