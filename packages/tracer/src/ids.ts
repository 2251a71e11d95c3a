const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The instance's id: made here, so it is known before the backend has seen it. */
export const newInstanceId = (): string => crypto.randomUUID();

/**
 * Span ids of one tracer: a random prefix of 64 bits, then a counter, so that ids are unique
 * across tracers without a random draw per span.
 */
export class SpanIds {
  readonly #prefix: string;
  #next = 0;

  constructor() {
    this.#prefix = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => HEX[b]).join('');
  }

  next(): string {
    return `${this.#prefix}-${(this.#next++).toString(36)}`;
  }
}

/** FNV-1a: a short, stable name for a schema version's content. */
export function contentDigest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
