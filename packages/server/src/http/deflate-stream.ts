import { constants, deflateRawSync } from 'node:zlib';

/**
 * An events stream sent as `Content-Encoding: deflate` (a zlib stream) where every chunk is
 * deflated on its own: each one starts with no history and ends byte-aligned (a sync flush), so
 * chunks deflated once can be written into any number of streams, in any of them after any
 * other. A channel deflates a window's frames once for all its members; each member keeps only
 * the running checksum of what it sent.
 */

/** A chunk of text deflated on its own, with what the stream's checksum needs of it. */
export interface DeflatedChunk {
  bytes: Buffer;
  /** Adler-32 of the text. */
  adler: number;
  /** The text's length in bytes. */
  length: number;
}

// Level 1: the frames of a window repeat each other's keys and ids, so the fastest level already
// cuts them about twentyfold.
const OPTIONS = { level: 1, finishFlush: constants.Z_SYNC_FLUSH };

export function deflatedChunk(text: Buffer): DeflatedChunk {
  return { bytes: deflateRawSync(text, OPTIONS), adler: adler32(text), length: text.length };
}

/** zlib's header: deflate with a 32 KiB window, the fastest compression, no preset dictionary. */
const ZLIB_HEADER = Buffer.from([0x78, 0x01]);
/** An empty last block: the end of the deflate data, before the checksum. */
const LAST_BLOCK = Buffer.from([0x03, 0x00]);
const ADLER_BASE = 65521;
// Bytes summed between reductions: few enough that the sums stay below 2³¹ (small integers to V8).
const ADLER_RUN = 3800;

/** Adler-32 of `bytes`, the checksum a zlib stream ends with. */
export function adler32(bytes: Uint8Array): number {
  let sum1 = 1;
  let sum2 = 0;
  for (let i = 0; i < bytes.length;) {
    const end = Math.min(i + ADLER_RUN, bytes.length);
    for (; i < end; i++) {
      sum1 += bytes[i]!;
      sum2 += sum1;
    }
    sum1 %= ADLER_BASE;
    sum2 %= ADLER_BASE;
  }
  return ((sum2 << 16) | sum1) >>> 0;
}

/** The Adler-32 of A followed by B, from each one's checksum and B's length (zlib's adler32_combine). */
export function adler32Combine(adlerA: number, adlerB: number, lengthB: number): number {
  const rem = lengthB % ADLER_BASE;
  let sum1 = adlerA & 0xffff;
  let sum2 = (rem * sum1) % ADLER_BASE;
  sum1 += (adlerB & 0xffff) + ADLER_BASE - 1;
  sum2 += ((adlerA >>> 16) & 0xffff) + ((adlerB >>> 16) & 0xffff) + ADLER_BASE - rem;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum2 >= ADLER_BASE * 2) sum2 -= ADLER_BASE * 2;
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

/** One stream's side: the header first, the chunks, and at a clean end the last block and checksum. */
export class DeflateStream {
  #adler = 1;
  #started = false;

  /** The bytes to write for `chunk` (deflated by the caller, once for every stream). */
  take(chunk: DeflatedChunk): Buffer {
    this.#adler = adler32Combine(this.#adler, chunk.adler, chunk.length);
    if (this.#started) return chunk.bytes;
    this.#started = true;
    return Buffer.concat([ZLIB_HEADER, chunk.bytes]);
  }

  /** Deflates and takes text of this stream alone (its resume, a heart-beat). */
  write(text: string): Buffer {
    return this.take(deflatedChunk(Buffer.from(text)));
  }

  /** The end of the stream: nothing may be taken after it. */
  end(): Buffer {
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32BE(this.#adler);
    return Buffer.concat([this.#started ? LAST_BLOCK : Buffer.concat([ZLIB_HEADER, LAST_BLOCK]), trailer]);
  }
}
