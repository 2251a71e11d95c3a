import { fieldError } from './errors.js';

/**
 * Times are kept as canonical UTC text with microseconds (`2024-05-01T12:00:00.123456Z`): one width,
 * so text order is time order, and Python's microseconds survive the round trip.
 */
export type Timestamp = string;

// date, optional time (minutes, seconds, 1–9 fraction digits), optional offset; `T` or a space between.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function format(epochMs: number, micros: number): Timestamp {
  const d = new Date(epochMs);
  if (d.getUTCFullYear() > 9999 || d.getUTCFullYear() < 0) return '';
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(micros, 6)}Z`
  );
}

/** Parses any ISO-8601 date-time; one without an offset (Python's naive `isoformat()`) is UTC. */
export function parseTimestamp(text: string, field: string): Timestamp {
  const m = ISO_8601.exec(text.trim());
  const fail = () => fieldError(field, `must be an ISO-8601 date-time such as 2024-05-01T12:00:00Z (got ${JSON.stringify(text)})`);
  if (!m) throw fail();
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = m;
  const year = Number(y),
    month = Number(mo),
    day = Number(d);
  const hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) throw fail();
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps years 0–99 as written
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCDate() !== day) throw fail(); // e.g. February 30th
  let epochMs = date.getTime();
  if (offset && offset !== 'Z' && offset !== 'z') {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2)),
      offsetMinutes = Number(digits.slice(2) || '0');
    if (offsetHours > 23 || offsetMinutes > 59) throw fail();
    epochMs -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  const micros = Number((fraction + '000000').slice(0, 6));
  const canonical = format(epochMs, micros);
  if (!canonical) throw fail();
  return canonical;
}

/** Parses when present; `null` and `undefined` both mean absent. */
export const parseOptionalTimestamp = (text: string | null | undefined, field: string): Timestamp | undefined =>
  text == null ? undefined : parseTimestamp(text, field);

/** The canonical form of a moment given in epoch milliseconds. */
export const timestampFromMs = (ms: number): Timestamp => format(ms - (ms % 1000), (ms % 1000) * 1000);

/** The canonical form of a moment given in Unix nanoseconds (as OTLP sends it), to the microsecond; '' past year 9999. */
export function timestampFromUnixNanos(nanos: bigint): Timestamp {
  const micros = nanos / 1000n;
  return format(Number((micros / 1_000_000n) * 1000n), Number(micros % 1_000_000n));
}

export interface Clock {
  now(): Timestamp;
}

let lastMs = Number.NaN;
let lastText: Timestamp = '';

// Requests arriving within one millisecond share its text instead of formatting it again.
export const systemClock: Clock = {
  now: () => {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastText = timestampFromMs(ms);
      lastMs = ms;
    }
    return lastText;
  },
};
