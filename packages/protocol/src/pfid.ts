// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { QueryFilter } from './common.js';
import { Success } from './envelopes.js';

/** Most PFIDs one `POST /api/v1/pfid/generate` makes. */
export const MAX_PFID_COUNT = 1000;

/** POST /api/v1/pfid/generate, as Prefactor's CLI sends it: its arguments at the top level, not under `details`. */
export const GeneratePfidsBody = Type.Object({
  count: Type.Integer({ minimum: 1, maximum: MAX_PFID_COUNT, description: 'how many PFIDs to make' }),
  /** The CLI's `--account_id`: it may only name the token's own account, whose partition the PFIDs are in. */
  account_id: Type.Optional(QueryFilter),
});
export type GeneratePfidsBody = Static<typeof GeneratePfidsBody>;

/** New PFIDs in the account's partition, for ids a caller makes before it sends them. */
export const GeneratedPfids = Type.Object({ pfids: Type.Array(Type.String()) });
export type GeneratedPfids = Static<typeof GeneratedPfids>;

export const GeneratePfidsResponse = Success(GeneratedPfids);
export type GeneratePfidsResponse = Static<typeof GeneratePfidsResponse>;
