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

const show = (value: unknown) =>
  value == null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

/**
 * Renders `{{field}}`, `{{ field }}` and `{{a.b}}` from `data`; a missing field renders empty. NUL
 * characters (from payload strings or the template) are dropped: summaries are plain text, which
 * cannot hold them on every engine.
 */
export const renderTemplate = (template: string, data: unknown): string =>
  template.replace(PLACEHOLDER, (_match, path: string) => show(lookup(data, path))).replaceAll('\u0000', '');
