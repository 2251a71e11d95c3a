import { validationError } from './errors.js';

/** How deep and how wide a parsed JSON value may be. */
export interface JsonShapeLimits {
  jsonDepth: number;
  jsonKeys: number;
}

interface Visit {
  value: object;
  depth: number;
  parent: Visit | undefined;
  key: string | number;
}

const MAX_PATH_SEGMENTS = 8;

/** The field path of a visit (`details.payload[2]`), cut after its first segments. */
function pathOf(visit: Visit): string {
  const segments: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.parent; at = at.parent) segments.unshift(at.key);
  const shown = segments.slice(0, MAX_PATH_SEGMENTS);
  const path = shown.reduce<string>((p, s) => (typeof s === 'number' ? `${p}[${s}]` : p ? `${p}.${s}` : s), '');
  return (path || 'body') + (segments.length > MAX_PATH_SEGMENTS ? '…' : '');
}

/**
 * 422 when `value` nests deeper than `jsonDepth` levels of objects and arrays, or an object in it
 * has more than `jsonKeys` keys. Walked without recursion, so no depth can exhaust the stack, and
 * before anything recurses into it (validation, JSON.stringify, templates).
 */
export function assertJsonShape(value: unknown, limits: JsonShapeLimits, flags: { depth: string; keys: string }): void {
  if (value === null || typeof value !== 'object') return;
  const stack: Visit[] = [{ value, depth: 1, parent: undefined, key: '' }];
  const push = (inner: unknown, parent: Visit, key: string | number) => {
    if (inner !== null && typeof inner === 'object') stack.push({ value: inner, depth: parent.depth + 1, parent, key });
  };
  while (stack.length > 0) {
    const visit = stack.pop()!;
    if (visit.depth > limits.jsonDepth) {
      const message = `nests deeper than ${limits.jsonDepth} levels of objects and arrays, this server's limit (${flags.depth}); flatten it, or send deep data as a JSON string`;
      throw validationError({ [pathOf(visit)]: [message] });
    }
    const at = visit.value;
    if (ArrayBuffer.isView(at)) continue; // bytes of a decoded protobuf
    if (Array.isArray(at)) {
      for (let i = 0; i < at.length; i++) push(at[i], visit, i);
      continue;
    }
    const keys = Object.keys(at);
    if (keys.length > limits.jsonKeys) {
      const message = `has ${keys.length} keys; one object may have at most ${limits.jsonKeys} (${flags.keys}); split it, or send the entries as an array`;
      throw validationError({ [pathOf(visit)]: [message] });
    }
    for (const key of keys) push((at as Record<string, unknown>)[key], visit, key);
  }
}
