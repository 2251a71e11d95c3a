const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

function lookup(data: unknown, path: string): unknown {
  let value = data;
  for (const key of path.split('.')) {
    // Own fields only: `{{constructor}}` or `{{__proto__}}` name the payload's data, never its prototype.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const show = (value: unknown) => (value == null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

// In Unicode mode a surrogate pair is one character outside this range: only lone ones match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;

/**
 * Renders `{{field}}`, `{{ field }}` and `{{a.b}}` from `data`; a missing field renders empty. NUL
 * characters (from payload strings or the template) are dropped and lone surrogates become U+FFFD:
 * summaries are plain text, which cannot hold either on every engine, and the answer must say what
 * is stored.
 */
export const renderTemplate = (template: string, data: unknown): string =>
  template
    .replace(PLACEHOLDER, (_match, path: string) => show(lookup(data, path)))
    .replaceAll('\u0000', '')
    .replace(LONE_SURROGATE, '\uFFFD');
