/** Words kept from a prompt or an answer for the one-line summary of a span. */
const PREVIEW_CHARS = 60;
// Only the head of a long text can show, so only the head is read.
const HEAD_CHARS = PREVIEW_CHARS * 4;
// Whitespace that is not one space between words: a run, a newline or tab, or at either end.
const UNEVEN_SPACE = /\s\s|[^\S ]|^\s|\s$/;

/** The first words of `text` on one line, at most PREVIEW_CHARS characters, cut at a word and ended with `…` when cut. */
export function preview(text: string | undefined): string {
  if (!text) return '';
  const long = text.length > HEAD_CHARS;
  let line = long ? text.slice(0, HEAD_CHARS) : text;
  if (UNEVEN_SPACE.test(line)) line = line.replace(/\s+/g, ' ').trim();
  if (!long && line.length <= PREVIEW_CHARS) return line;
  const cut = line.slice(0, PREVIEW_CHARS);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > PREVIEW_CHARS / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
