import { Type, type TSchema } from '@sinclair/typebox';

/** A field that may be absent, or sent as an explicit `null` (read as absent). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const OptionalNullable = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

/** Any JSON object (payloads, schemas, metadata). */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());

/** ISO-8601 text. Incoming values may take any ISO-8601 form; outgoing ones are UTC. */
export const Timestamp = Type.String({ minLength: 1 });

export const MAX_IDEMPOTENCY_KEY_LENGTH = 64;
export const BULK_KEY_MIN_LENGTH = 8;
export const BULK_KEY_MAX_LENGTH = 64;
export const SPAN_ID_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';

export const IdempotencyKey = Type.String({ minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH });

export const SPAN_STATUSES = ['pending', 'active', 'complete', 'failed', 'cancelled'] as const;
export const FINISH_STATUSES = ['complete', 'failed', 'cancelled'] as const;
export const INSTANCE_STATUSES = [...SPAN_STATUSES, 'terminated'] as const;
export const INSTANCE_PURPOSES = ['live', 'smoke_test', 'eval'] as const;

export type SpanStatus = (typeof SPAN_STATUSES)[number];
export type FinishStatus = (typeof FINISH_STATUSES)[number];
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];
export type InstancePurpose = (typeof INSTANCE_PURPOSES)[number];

const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v)) as never) as unknown as TSchema & { static: T[number] };

export const SpanStatusSchema = literals(SPAN_STATUSES);
export const FinishStatusSchema = literals(FINISH_STATUSES);
export const InstanceStatusSchema = literals(INSTANCE_STATUSES);
export const InstancePurposeSchema = literals(INSTANCE_PURPOSES);

export const isFinishStatus = (s: string): s is FinishStatus => (FINISH_STATUSES as readonly string[]).includes(s);
