import { field, isObject } from './wire-object.js';

/** A value as stored in a span's payload. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Characters kept of one string value; the rest is cut, marked and counted. */
export const MAX_VALUE_CHARS = 32 * 1024;

/** A span (or a part of one) that cannot be read: that span is rejected, the others are stored. */
export class SpanShapeError extends Error {
  override readonly name = 'SpanShapeError';
}

/** A 64-bit integer (decimal text or a number) as a number when that is exact, else as its text. */
export function int64Value(value: unknown, what: string): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : BigInt(value).toString();
  }
  throw new SpanShapeError(`${what} must be an integer (a number or decimal text), got ${JSON.stringify(value)}`);
}

/**
 * Reads OTLP `AnyValue`s and `KeyValue` lists into JSON: arrays stay arrays, key-value lists become
 * objects, bytes become base64 text. Strings longer than `MAX_VALUE_CHARS` are cut and counted.
 */
export class AttributeReader {
  /** Values cut since this reader was made. */
  truncated = 0;

  attributes(list: unknown, what: string): Record<string, JsonValue> {
    const result: Record<string, JsonValue> = {};
    if (list === undefined || list === null) return result;
    if (!Array.isArray(list)) throw new SpanShapeError(`${what} must be a list of {key, value}`);
    for (const entry of list) {
      if (!isObject(entry) || typeof entry.key !== 'string') throw new SpanShapeError(`${what} has an entry without a string key`);
      result[entry.key] = this.value(entry.value, `${what}.${entry.key}`);
    }
    return result;
  }

  value(any: unknown, what: string): JsonValue {
    if (any === undefined || any === null) return null;
    if (!isObject(any)) throw new SpanShapeError(`${what} must be an AnyValue object such as {"stringValue": "…"}`);
    let value: unknown;
    if ((value = field(any, 'stringValue')) !== undefined) return this.#string(value, what);
    if ((value = field(any, 'boolValue')) !== undefined) {
      if (typeof value !== 'boolean') throw new SpanShapeError(`${what}: boolValue must be true or false`);
      return value;
    }
    if ((value = field(any, 'intValue')) !== undefined) return int64Value(value, `${what}: intValue`);
    if ((value = field(any, 'doubleValue')) !== undefined) return doubleValue(value, what);
    if ((value = field(any, 'arrayValue')) !== undefined) {
      const values = isObject(value) ? (value.values ?? []) : undefined;
      if (!Array.isArray(values)) throw new SpanShapeError(`${what}: arrayValue must be {"values": [...]}`);
      return values.map((item, index) => this.value(item, `${what}[${index}]`));
    }
    if ((value = field(any, 'kvlistValue')) !== undefined) {
      if (!isObject(value)) throw new SpanShapeError(`${what}: kvlistValue must be {"values": [...]}`);
      return this.attributes(value.values, what);
    }
    if ((value = field(any, 'bytesValue')) !== undefined) {
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      if (typeof value === 'string') return value; // OTLP/JSON sends bytes as base64 already
      throw new SpanShapeError(`${what}: bytesValue must be base64 text`);
    }
    return null; // an empty AnyValue
  }

  /** Text kept whole up to the limit, else cut with a marker saying how much is missing. */
  text(value: string): string {
    if (value.length <= MAX_VALUE_CHARS) return value;
    this.truncated += 1;
    return `${value.slice(0, MAX_VALUE_CHARS)}…[truncated ${value.length - MAX_VALUE_CHARS} characters]`;
  }

  #string(value: unknown, what: string): string {
    if (typeof value !== 'string') throw new SpanShapeError(`${what}: stringValue must be text`);
    return this.text(value);
  }
}

/** A double; JSON has no NaN or infinities, so OTLP/JSON's "NaN", "Infinity", "-Infinity" stay text. */
function doubleValue(value: unknown, what: string): number | string {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new SpanShapeError(`${what}: doubleValue must be a number`);
}
