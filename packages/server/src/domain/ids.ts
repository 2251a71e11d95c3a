import { randomBytes } from 'node:crypto';

const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/**
 * A new id: milliseconds in base 36 (so ids sort roughly by creation, keeping index inserts near
 * the end) followed by 64 random bits in hex. 25 characters, within the span id alphabet.
 */
export function newId(): string {
  if (offset + 8 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const random = pool.toString('hex', offset, offset + 8);
  offset += 8;
  return Date.now().toString(36).padStart(9, '0') + random;
}
