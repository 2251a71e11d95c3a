const POOL_BYTES = 4096;
const RANDOM_BYTES = 10;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

let pool = new Uint8Array(0);
let offset = 0;
let prefixOf = -1;
let prefix = '';

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, the version, then 74 random bits. Random
 * bytes come from a pool refilled 4 KiB at a time: one `getRandomValues` per call costs ~2 µs in
 * Node, thirty times the rest of the work, on the path of every mutating call.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  if (offset + RANDOM_BYTES > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const r = pool;
  const o = offset;
  offset += RANDOM_BYTES;
  if (now !== prefixOf) {
    const time = now.toString(16).padStart(12, '0');
    prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    prefixOf = now;
  }
  return (
    `${prefix}${HEX[r[o]! & 0x0f]![1]}${HEX[r[o + 1]!]}` +
    `-${HEX[(r[o + 2]! & 0x3f) | 0x80]}${HEX[r[o + 3]!]}` +
    `-${HEX[r[o + 4]!]}${HEX[r[o + 5]!]}${HEX[r[o + 6]!]}${HEX[r[o + 7]!]}${HEX[r[o + 8]!]}${HEX[r[o + 9]!]}`
  );
}
