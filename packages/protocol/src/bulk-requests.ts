// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { BulkItem, BulkResponse, MAX_BULK_ITEMS } from './bulk.js';

export const BULK_REQUEST_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type BulkRequestMethod = (typeof BULK_REQUEST_METHODS)[number];

/** One bulk item as Prefactor's CLI sends it: a single endpoint's method, path (with or without `/api/v1`) and body. */
export const BulkRequestItem = Type.Object({
  method: Type.Union(BULK_REQUEST_METHODS.map((m) => Type.Literal(m))),
  path: Type.String({ minLength: 1 }),
  body: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type BulkRequestItem = Static<typeof BulkRequestItem>;

export const BulkRequestsBody = Type.Object({
  items: Type.Array(BulkRequestItem, { minItems: 1, maxItems: MAX_BULK_ITEMS }),
});
export type BulkRequestsBody = Static<typeof BulkRequestsBody>;

/** Either item shape; `_type` picks the schema, so a refused item is told about its own shape only (not a union's every branch). */
export const AnyBulkItem = Type.Unsafe<Static<typeof BulkItem> | BulkRequestItem>({
  type: 'object',
  if: { type: 'object', required: ['_type'] },
  then: BulkItem,
  else: BulkRequestItem,
});

/** POST /bulk's body: items all `{_type, idempotency_key, …}` or all `{method, path, body}`, one shape per request. */
export const BulkBody = Type.Object({
  items: Type.Array(AnyBulkItem, { minItems: 1, maxItems: MAX_BULK_ITEMS }),
});
export type BulkBody = Static<typeof BulkBody>;

/** Which shape a bulk item has: `_type` marks `prefactor_http`'s, anything else is the CLI's. */
export const isTypedBulkItem = (item: BulkItem | BulkRequestItem): item is BulkItem => '_type' in item;

/** One item's answer: what the single endpoint would have answered, status code and JSON body. */
export const BulkRequestAnswer = Type.Object({
  status: Type.Integer(),
  body: Type.Unknown(),
});
export type BulkRequestAnswer = Static<typeof BulkRequestAnswer>;

export const BulkRequestsResponse = Type.Object({
  status: Type.Literal('success'),
  details: Type.Object({ items: Type.Array(BulkRequestAnswer) }),
});
export type BulkRequestsResponse = Static<typeof BulkRequestsResponse>;

/** POST /bulk's answer: `outputs` by key for `_type` items, `details.items` in order for `{method, path}` items. */
export const BulkAnswer = Type.Union([BulkResponse, BulkRequestsResponse]);
export type BulkAnswer = Static<typeof BulkAnswer>;
