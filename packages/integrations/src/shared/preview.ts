/** Words kept from a prompt or an answer for the one-line summary of a span. */
const PREVIEW_CHARS = 60;

/** The first words of `text` on one line, at most PREVIEW_CHARS characters, with `…` when cut. */
export function preview(text: string | undefined): string {
  if (!text) return '';
  // Only the head can show: long texts are not scanned whole.
  const line = (text.length > PREVIEW_CHARS * 4 ? text.slice(0, PREVIEW_CHARS * 4) : text).replace(/\s+/g, ' ').trim();
  if (line.length <= PREVIEW_CHARS) return line;
  const cut = line.slice(0, PREVIEW_CHARS);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > PREVIEW_CHARS / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
