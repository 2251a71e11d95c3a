// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { IdempotencyKey, Nullable, OptionalNullable, PlainText, SPAN_ID_PATTERN, Timestamp } from './common.js';
import { MAX_AGENT_NAME_LENGTH } from './agent.js';
import { Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';
import { DATA_ACTIONS, DATA_CATEGORIES, MAX_ACTION_MULTIPLIER, MAX_CATEGORY_WEIGHT, RISK_LEVELS } from './risk-vocabulary.js';
import { each, literals } from './schema-builders.js';

export const DataCategorySchema = literals(DATA_CATEGORIES);
export const DataActionSchema = literals(DATA_ACTIONS);
export const RiskLevelSchema = literals(RISK_LEVELS);

const Weight = Type.Number({ minimum: 0, maximum: MAX_CATEGORY_WEIGHT });
const Multiplier = Type.Number({ minimum: 0, maximum: MAX_ACTION_MULTIPLIER });
const Threshold = Type.Number({ exclusiveMinimum: 0 });

/** How a profile weighs one category: its weight, and whether the agreed risk includes it. */
export const CategorySetting = Type.Object({ weight: Weight, included: Type.Boolean() });
export type CategorySetting = Static<typeof CategorySetting>;
/** How a profile multiplies one action, and whether the agreed risk allows it. */
export const ActionSetting = Type.Object({ multiplier: Multiplier, included: Type.Boolean() });
export type ActionSetting = Static<typeof ActionSetting>;

/** Score bands: a score ≥ `medium` is medium, ≥ `high` high, ≥ `critical` critical, else low. */
export const RiskThresholds = Type.Object({ medium: Threshold, high: Threshold, critical: Threshold });
export type RiskThresholds = Static<typeof RiskThresholds>;

export const RiskProfile = Type.Object({
  type: Type.Literal('risk_profile'),
  id: Type.String(),
  account_id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  /** All 17 categories, group by group. */
  categories: Type.Object(each(DATA_CATEGORIES, CategorySetting)),
  /** All 6 actions. */
  actions: Type.Object(each(DATA_ACTIONS, ActionSetting)),
  thresholds: RiskThresholds,
  /** How many agents are assigned the profile now. */
  agent_count: Type.Integer({ minimum: 0 }),
  /** When it was deleted: kept for the record, no longer assignable; null while live. */
  archived_at: Nullable(Timestamp),
  inserted_at: Timestamp,
  updated_at: Timestamp,
});
export type RiskProfile = Static<typeof RiskProfile>;

/** Longest risk profile description, in characters. */
export const MAX_RISK_PROFILE_DESCRIPTION_LENGTH = 2000;

const ProfileName = PlainText({ minLength: 1, maxLength: MAX_AGENT_NAME_LENGTH });
const ProfileDescription = PlainText({ maxLength: MAX_RISK_PROFILE_DESCRIPTION_LENGTH });

/**
 * Categories and actions as a request names them: any subset, each with either field. The names
 * are checked by the server (an unknown one is 422 at its own path), so none is declared closed here.
 */
export const CategorySettingsInput = Type.Object(each(DATA_CATEGORIES, Type.Optional(Type.Partial(CategorySetting))));
export type CategorySettingsInput = Static<typeof CategorySettingsInput>;
export const ActionSettingsInput = Type.Object(each(DATA_ACTIONS, Type.Optional(Type.Partial(ActionSetting))));
export type ActionSettingsInput = Static<typeof ActionSettingsInput>;

/**
 * POST /api/v1/risk_profile `details`. A category left out is `{weight: 0, included: false}`, an
 * action left out `{multiplier: 1, included: false}`; thresholds must be positive and strictly increasing.
 */
export const RiskProfileForCreate = Type.Object({
  name: ProfileName,
  description: OptionalNullable(ProfileDescription),
  categories: Type.Optional(CategorySettingsInput),
  actions: Type.Optional(ActionSettingsInput),
  thresholds: RiskThresholds,
  id: OptionalNullable(Type.String({ pattern: SPAN_ID_PATTERN })),
});
export type RiskProfileForCreate = Static<typeof RiskProfileForCreate>;

export const CreateRiskProfileBody = Type.Object({
  details: RiskProfileForCreate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateRiskProfileBody = Static<typeof CreateRiskProfileBody>;

/**
 * Only what is present changes, down to one field of one category, action or threshold;
 * `description: null` clears it; a name cannot be cleared.
 */
export const RiskProfileForUpdate = Type.Object({
  name: OptionalNullable(ProfileName),
  description: OptionalNullable(ProfileDescription),
  categories: Type.Optional(CategorySettingsInput),
  actions: Type.Optional(ActionSettingsInput),
  thresholds: Type.Optional(Type.Partial(RiskThresholds)),
});
export type RiskProfileForUpdate = Static<typeof RiskProfileForUpdate>;

export const UpdateRiskProfileBody = Type.Object({
  details: RiskProfileForUpdate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type UpdateRiskProfileBody = Static<typeof UpdateRiskProfileBody>;

/** DELETE /api/v1/risk_profile/{id} (archives it): the body is optional. */
export const RiskProfileActionBody = Type.Object({ idempotency_key: OptionalNullable(IdempotencyKey) });
export type RiskProfileActionBody = Static<typeof RiskProfileActionBody>;

export const RiskProfileIdParams = Type.Object({ risk_profile_id: PlainText({ minLength: 1 }) });

export const RISK_PROFILE_SORT_FIELDS = ['id', 'name', 'inserted_at', 'updated_at'] as const;
export type RiskProfileSortField = (typeof RISK_PROFILE_SORT_FIELDS)[number];

/** GET /api/v1/risk_profile: live profiles, oldest first; `include_archived=true` adds the archived ones. */
export const ListRiskProfilesQuery = Type.Object({
  include_archived: Type.Optional(Type.Boolean()),
  ...listQueryParams(RISK_PROFILE_SORT_FIELDS),
});
export type ListRiskProfilesQuery = Static<typeof ListRiskProfilesQuery>;

export const RiskProfileResponse = Success(RiskProfile);
export type RiskProfileResponse = Static<typeof RiskProfileResponse>;

export const RiskProfileListResponse = ListPage(RiskProfile);
export type RiskProfileListResponse = Static<typeof RiskProfileListResponse>;
