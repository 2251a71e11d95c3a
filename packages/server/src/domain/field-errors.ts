import type { ErrorObject } from 'ajv';
import { NUL_FREE_PATTERN, type FieldErrors } from '@agentspan/protocol';

/** `/details/payload/0` → `details.payload[0]`, under `prefix` when given. */
function fieldPath(prefix: string, instancePath: string, extra?: string): string {
  let path = prefix;
  const segments = instancePath.split('/').slice(1);
  if (extra !== undefined) segments.push(extra);
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path ? `.${segment}` : segment;
  }
  return path || prefix || 'body';
}

const NUL_MESSAGE = 'must not contain NUL characters (U+0000) or unpaired surrogates (U+D800–U+DFFF); they are allowed only inside JSON payloads';

// Validators run with `verbose`, so the error carries the value sent.
function tooLong(error: ErrorObject): string {
  const sent = typeof error.data === 'string' ? ` (got ${[...error.data].length})` : '';
  return `must be at most ${String(error.params.limit)} characters long${sent}; send a shorter value`;
}

const describe = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** A closed object's unknown key: the keys it does know (its schema rides along, as validators run `verbose`). */
function unknownKey(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const known = Object.keys(properties ?? {});
  return known.length > 0 ? `is not a known field; the fields here are: ${known.join(', ')}` : 'is not a known field';
}

/**
 * Turns Ajv errors into one readable message per field. Nullable fields and literal unions are
 * unions in the schema; their per-branch noise ("must be null", "must match a schema in anyOf")
 * is folded into what the caller has to send.
 */
export function toFieldErrors(errors: readonly ErrorObject[], prefix = ''): FieldErrors {
  const byPath = new Map<string, { allowed: unknown[]; types: Set<string>; other: string[] }>();
  const entry = (path: string) => {
    let found = byPath.get(path);
    if (!found) byPath.set(path, (found = { allowed: [], types: new Set(), other: [] }));
    return found;
  };
  for (const error of errors) {
    if (error.keyword === 'required') {
      entry(fieldPath(prefix, error.instancePath, String(error.params.missingProperty))).other.push('is required');
      continue;
    }
    // A conditional schema's "must match then" only repeats the branch's own errors.
    if (error.keyword === 'if') continue;
    if (error.keyword === 'additionalProperties') {
      // The unknown key is the field at fault: named in the path, told the keys that are known.
      const key = String(error.params.additionalProperty);
      entry(fieldPath(prefix, error.instancePath, key)).other.push(unknownKey(error));
      continue;
    }
    const at = entry(fieldPath(prefix, error.instancePath));
    if (error.keyword === 'const') at.allowed.push(error.params.allowedValue);
    else if (error.keyword === 'enum') at.allowed.push(...(error.params.allowedValues as unknown[]));
    else if (error.keyword === 'type') at.types.add(String(error.params.type));
    else if (error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    else if (error.keyword === 'pattern' && error.params.pattern === NUL_FREE_PATTERN) at.other.push(NUL_MESSAGE);
    else if (error.keyword === 'maxLength') at.other.push(tooLong(error));
    else at.other.push(error.message ?? 'is invalid');
  }
  const paths = [...byPath.keys()];
  const hasInnerErrors = (path: string) => paths.some((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  const result: FieldErrors = {};
  for (const [path, { allowed, types, other }] of byPath) {
    // A nullable object with a field at fault: its null branch's "must be a null" is noise.
    const onlyNull = types.size === 1 && types.has('null') && allowed.length === 0 && other.length === 0;
    if (onlyNull && hasInnerErrors(path)) continue;
    const messages: string[] = [];
    if (allowed.length > 0) messages.push(`must be one of: ${allowed.map(describe).join(', ')}`);
    else {
      // "must be a null" only when null is all the field may be: a string that fails its pattern is
      // told what is wrong with the string.
      const wanted = [...types].filter((t) => t !== 'null' || (types.size === 1 && other.length === 0));
      if (wanted.length > 0) messages.push(`must be ${wanted.map((t) => `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`).join(' or ')}`);
    }
    messages.push(...other.filter((m, i) => other.indexOf(m) === i));
    if (messages.length === 0) messages.push('is invalid');
    result[path] = messages;
  }
  return result;
}
