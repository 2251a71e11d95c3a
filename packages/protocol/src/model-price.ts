// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { IdempotencyKey, Nullable, OptionalNullable, PlainText, Timestamp } from './common.js';

/** The highest price a request may set, in USD per million tokens: far above any model's, low enough to catch a unit mistake. */
export const MAX_MODEL_PRICE = 100_000;
export const MAX_MODEL_ID_LENGTH = 200;

const Rate = Type.Number({ minimum: 0, maximum: MAX_MODEL_PRICE });

/**
 * A model's price in USD per million tokens of each type. A rate left out is billed as the
 * providers bill it: cache reads and writes at the input rate, reasoning at the output rate.
 */
export const ModelPriceRates = Type.Object({
  input: Rate,
  output: Rate,
  cache_read: OptionalNullable(Rate),
  cache_write: OptionalNullable(Rate),
  reasoning: OptionalNullable(Rate),
});
export type ModelPriceRates = Static<typeof ModelPriceRates>;

export const MODEL_PRICE_SOURCES = ['shipped', 'account'] as const;

/**
 * One entry of the price table: the server's shipped price or the account's own (which overrides
 * a shipped one of the same model). `match` lists the ids it is looked up by; a recorded id also
 * matches without its provider prefix, date, Bedrock version or `-latest`.
 */
export const ModelPrice = Type.Object({
  type: Type.Literal('model_price'),
  model: Type.String(),
  match: Type.Array(Type.String()),
  input: Type.Number(),
  output: Type.Number(),
  cache_read: Nullable(Type.Number()),
  cache_write: Nullable(Type.Number()),
  reasoning: Nullable(Type.Number()),
  source: Type.Union(MODEL_PRICE_SOURCES.map((s) => Type.Literal(s))),
  /** For a shipped price: where it comes from and when it was read. */
  note: Nullable(Type.String()),
  /** For an account's price: whether it replaces a shipped price of the same model. */
  overrides_shipped: Type.Boolean(),
  updated_at: Nullable(Timestamp),
});
export type ModelPrice = Static<typeof ModelPrice>;

/** Costs are computed from the prices current when read, so every answer that changes them says so. */
export const REPRICES_HISTORY_MESSAGE =
  'costs are computed from current prices when read: this change re-prices every stored usage of the model, past runs included';

export const ModelPriceListResponse = Type.Object({
  status: Type.Literal('success'),
  details: Type.Array(ModelPrice),
});
export type ModelPriceListResponse = Static<typeof ModelPriceListResponse>;

export const ModelPriceResponse = Type.Object({
  status: Type.Literal('success'),
  details: ModelPrice,
  /** Always true: a price change applies to history as well (see `message`). */
  reprices_history: Type.Literal(true),
  message: Type.String(),
});
export type ModelPriceResponse = Static<typeof ModelPriceResponse>;

/** DELETE /api/v1/model_prices/{model}: the entry in effect for the model now, null when it is unpriced. */
export const ModelPriceRemovedResponse = Type.Object({
  status: Type.Literal('success'),
  details: Nullable(ModelPrice),
  reprices_history: Type.Literal(true),
  message: Type.String(),
});
export type ModelPriceRemovedResponse = Static<typeof ModelPriceRemovedResponse>;

export const SetModelPriceBody = Type.Object({
  details: ModelPriceRates,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type SetModelPriceBody = Static<typeof SetModelPriceBody>;

export const ModelPriceActionBody = Type.Object({ idempotency_key: OptionalNullable(IdempotencyKey) });
export type ModelPriceActionBody = Static<typeof ModelPriceActionBody>;

/** A model id as recorded on spans (`gpt-4o`, `claude-3-5-sonnet`, `my-fine-tune`); URL-encode a `/` in it. */
export const ModelPriceParams = Type.Object({ model: PlainText({ minLength: 1, maxLength: MAX_MODEL_ID_LENGTH }) });
export type ModelPriceParams = Static<typeof ModelPriceParams>;
