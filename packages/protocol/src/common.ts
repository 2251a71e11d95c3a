// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type StringOptions, type TInteger, type TSchema } from '@sinclair/typebox';
import { FINISH_STATUSES, INSTANCE_PURPOSES, INSTANCE_STATUSES, SPAN_STATUSES } from './statuses.js';

/** A field that may be absent, or sent as an explicit `null` (read as absent). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const OptionalNullable = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

/** Any JSON object (payloads, schemas, metadata). */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());

/**
 * Matches text without U+0000 (NUL) and without unpaired surrogates (U+D800–U+DFFF on their own,
 * which no UTF-8 text can hold: engines would store U+FFFD instead). Checked in Unicode mode,
 * where a surrogate pair is one character outside that range.
 */
export const NUL_FREE_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';

/**
 * Request text that is kept as a plain string (ids, names, keys, reasons, timestamps): it may not
 * contain U+0000, which PostgreSQL text cannot hold, nor an unpaired surrogate. JSON documents (payloads, schemas) may, as
 * they are kept as JSON text, where a NUL is the escape `\u0000`.
 */
export const PlainText = (options: StringOptions = {}) => Type.String({ pattern: NUL_FREE_PATTERN, ...options });

/** A timestamp in an answer: UTC ISO-8601 text. */
export const Timestamp = Type.String({ minLength: 1 });

/** A timestamp in a request: ISO-8601 text in any of its forms. */
export const TimestampInput = PlainText({ minLength: 1 });

export const MAX_IDEMPOTENCY_KEY_LENGTH = 64;

/** Longest id (or label) a query filters by, longest search text, and longest page cursor a server reads. */
export const MAX_FILTER_LENGTH = 200;
export const MAX_SEARCH_LENGTH = 200;
export const MAX_CURSOR_LENGTH = 1000;
export const QueryFilter = PlainText({ minLength: 1, maxLength: MAX_FILTER_LENGTH });
export const QueryCursor = PlainText({ minLength: 1, maxLength: MAX_CURSOR_LENGTH });
export const BULK_KEY_MIN_LENGTH = 8;
export const BULK_KEY_MAX_LENGTH = 64;
export const SPAN_ID_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';

export const IdempotencyKey = PlainText({ minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH });

const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TSchema & { static: T[number] };

export const SpanStatusSchema = literals(SPAN_STATUSES);
export const FinishStatusSchema = literals(FINISH_STATUSES);
export const InstanceStatusSchema = literals(INSTANCE_STATUSES);
export const InstancePurposeSchema = literals(INSTANCE_PURPOSES);

/** An object of integer counts, one per name (span counts, instance counts). */
export const Counts = <K extends string>(names: readonly K[]) =>
  Type.Object(Object.fromEntries(names.map((name) => [name, Type.Integer()])) as { [N in K]: TInteger });
