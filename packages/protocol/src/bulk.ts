// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { BULK_KEY_MAX_LENGTH, BULK_KEY_MIN_LENGTH, PlainText } from './common.js';

export const BULK_ITEM_TYPES = [
  'agent_instances/register',
  'agent_instances/start',
  'agent_instances/finish',
  'agent_spans/create',
  'agent_spans/finish',
] as const;
export type BulkItemType = (typeof BULK_ITEM_TYPES)[number];

export const MAX_BULK_ITEMS = 1000;

/** One bulk item: its type, its key, and the operation's params flat beside them. */
export const BulkItem = Type.Object(
  {
    _type: Type.Union(BULK_ITEM_TYPES.map((t) => Type.Literal(t))),
    idempotency_key: PlainText({ minLength: BULK_KEY_MIN_LENGTH, maxLength: BULK_KEY_MAX_LENGTH }),
  },
  { additionalProperties: true },
);
export type BulkItem = Static<typeof BulkItem> & Record<string, unknown>;

export const BulkRequestBody = Type.Object({
  items: Type.Array(BulkItem, { minItems: 1, maxItems: MAX_BULK_ITEMS }),
});
export type BulkRequestBody = Static<typeof BulkRequestBody>;

/** A bulk item that reuses a key: `index` repeats the key of the earlier item at `earlier`. */
export interface RepeatedKey {
  index: number;
  earlier: number;
}

/** Every bulk item needs its own `idempotency_key`: the first item that repeats an earlier one's, if any. */
export function firstRepeatedKey(items: readonly { readonly idempotency_key?: unknown }[]): RepeatedKey | undefined {
  const seen = new Map<unknown, number>();
  for (let index = 0; index < items.length; index++) {
    const key = items[index]!.idempotency_key;
    const earlier = seen.get(key);
    if (earlier !== undefined) return { index, earlier };
    seen.set(key, index);
  }
  return undefined;
}

export const BulkOutput = Type.Object(
  {
    status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
  },
  { additionalProperties: true },
);
export type BulkOutput = Static<typeof BulkOutput> & Record<string, unknown>;

export const BulkResponse = Type.Object({
  status: Type.Literal('success'),
  outputs: Type.Record(Type.String(), BulkOutput),
});
export type BulkResponse = Static<typeof BulkResponse>;
