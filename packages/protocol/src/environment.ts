// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static, type TSchema } from '@sinclair/typebox';
import { IdempotencyKey, Nullable, OptionalNullable, PlainText, QueryFilter, SPAN_ID_PATTERN, Timestamp } from './common.js';
import { MAX_AGENT_NAME_LENGTH } from './agent.js';
import { Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';
import { ENVIRONMENT_PURPOSES } from './statuses.js';

/** Longest environment description, in characters. */
export const MAX_ENVIRONMENT_DESCRIPTION_LENGTH = 2000;

export const EnvironmentPurposeSchema = Type.Union(ENVIRONMENT_PURPOSES.map((p) => Type.Literal(p))) as unknown as TSchema & {
  static: (typeof ENVIRONMENT_PURPOSES)[number];
};

export const Environment = Type.Object({
  type: Type.Literal('environment'),
  id: Type.String(),
  account_id: Type.String(),
  name: Type.String(),
  purpose: EnvironmentPurposeSchema,
  description: Nullable(Type.String()),
  inserted_at: Timestamp,
  updated_at: Timestamp,
});
export type Environment = Static<typeof Environment>;

const EnvironmentName = PlainText({ minLength: 1, maxLength: MAX_AGENT_NAME_LENGTH });
const EnvironmentDescription = PlainText({ maxLength: MAX_ENVIRONMENT_DESCRIPTION_LENGTH });

/**
 * POST /api/v1/environment `details`. The official CLI sends `{name, account_id, id?}`; `purpose`
 * defaults to `development` when absent, and `account_id`, when sent, must be the token's account.
 */
export const EnvironmentForCreate = Type.Object({
  name: EnvironmentName,
  purpose: OptionalNullable(EnvironmentPurposeSchema),
  description: OptionalNullable(EnvironmentDescription),
  account_id: OptionalNullable(PlainText({ minLength: 1 })),
  id: OptionalNullable(Type.String({ pattern: SPAN_ID_PATTERN })),
});
export type EnvironmentForCreate = Static<typeof EnvironmentForCreate>;

export const CreateEnvironmentBody = Type.Object({
  details: EnvironmentForCreate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateEnvironmentBody = Static<typeof CreateEnvironmentBody>;

/** Only the fields present change; `description: null` clears it, a name or purpose cannot be cleared. */
export const EnvironmentForUpdate = Type.Object({
  name: OptionalNullable(EnvironmentName),
  purpose: OptionalNullable(EnvironmentPurposeSchema),
  description: OptionalNullable(EnvironmentDescription),
});
export type EnvironmentForUpdate = Static<typeof EnvironmentForUpdate>;

export const UpdateEnvironmentBody = Type.Object({
  details: EnvironmentForUpdate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type UpdateEnvironmentBody = Static<typeof UpdateEnvironmentBody>;

/** DELETE /api/v1/environment/{id}: the body is optional. */
export const EnvironmentActionBody = Type.Object({ idempotency_key: OptionalNullable(IdempotencyKey) });
export type EnvironmentActionBody = Static<typeof EnvironmentActionBody>;

export const EnvironmentIdParams = Type.Object({ environment_id: PlainText({ minLength: 1 }) });

export const ENVIRONMENT_SORT_FIELDS = ['id', 'name', 'inserted_at'] as const;
export type EnvironmentSortField = (typeof ENVIRONMENT_SORT_FIELDS)[number];

/** GET /api/v1/environment?account_id=… (the CLI's `environments list --account_id`). */
export const ListEnvironmentsQuery = Type.Object({
  account_id: Type.Optional(QueryFilter),
  ...listQueryParams(ENVIRONMENT_SORT_FIELDS),
});
export type ListEnvironmentsQuery = Static<typeof ListEnvironmentsQuery>;

export const EnvironmentResponse = Success(Environment);
export type EnvironmentResponse = Static<typeof EnvironmentResponse>;

export const EnvironmentListResponse = ListPage(Environment);
export type EnvironmentListResponse = Static<typeof EnvironmentListResponse>;
