// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static, type TSchema } from '@sinclair/typebox';
import { Nullable, PlainText, QueryFilter } from './common.js';

/** `{"status": "success", "details": <resource>}` */
export const Success = <T extends TSchema>(details: T) => Type.Object({ status: Type.Literal('success'), details });

/** Sent on span create/finish responses once an operator has terminated the instance. */
export const ControlBlock = Type.Object({
  terminate: Type.Boolean(),
  reason: Type.Optional(Nullable(Type.String())),
});
export type ControlBlock = Static<typeof ControlBlock>;

/** Span create/finish answer: the success envelope plus an optional control block. */
export const SuccessWithControl = <T extends TSchema>(details: T) =>
  Type.Object({
    status: Type.Literal('success'),
    details,
    control: Type.Optional(ControlBlock),
  });

export const ERROR_CODES = [
  'invalid_json',
  'validation_error',
  'unauthorized',
  'forbidden',
  'not_found',
  'invalid_action',
  'conflict',
  'idempotency_key_reused',
  'idempotency_request_in_progress',
  'payload_too_large',
  'rate_limited',
  'service_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field path (e.g. `details.payload.query`) → messages. */
export const FieldErrors = Type.Record(Type.String(), Type.Array(Type.String()));
export type FieldErrors = Static<typeof FieldErrors>;

export const ErrorBody = Type.Object({
  status: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
  errors: Type.Optional(FieldErrors),
  /** This server's id of the request (also its `X-Request-Id` answer header and its log lines' `request_id`). */
  request_id: Type.Optional(Type.String()),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const CursorPagination = Type.Object({ next_cursor: Nullable(Type.String()) });
export type CursorPagination = Static<typeof CursorPagination>;

/** Offset pagination as the agent list answers it (the Python client's list shape). */
export const OffsetPagination = Type.Object({
  item_count: Type.Integer(),
  item_start: Type.Integer(),
  item_end: Type.Integer(),
  page_count: Type.Integer(),
  page_index: Type.Integer(),
  page_offset: Type.Integer(),
  page_size: Type.Integer(),
  next_page_offset: Nullable(Type.Integer()),
  previous_page_offset: Nullable(Type.Integer()),
});
export type OffsetPagination = Static<typeof OffsetPagination>;

export const Sorting = Type.Object({ field: Type.String(), direction: Type.String() });
export type Sorting = Static<typeof Sorting>;

export const PingResponse = Type.Object({ status: Type.Literal('success') });
export type PingResponse = Static<typeof PingResponse>;

/**
 * GET /api/v1/events (Server-Sent Events). `last_event_id` is for clients that cannot send the
 * `Last-Event-ID` header; the header wins.
 */
export const EventsQuery = Type.Object({
  agent_instance_id: Type.Optional(QueryFilter),
  last_event_id: Type.Optional(PlainText({ minLength: 1, maxLength: 100 })),
  /** `false`: spans as outlines, without `payload` and `result_payload`. */
  include_payloads: Type.Optional(Type.Boolean()),
});
export type EventsQuery = Static<typeof EventsQuery>;
