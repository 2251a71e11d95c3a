// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { DATA_ACTION_PERMISSIONS, DATA_ACTIONS, DATA_CATEGORIES, DATA_CATEGORY_PRESENCES, DATA_CLASSIFICATIONS } from './risk-vocabulary.js';
import { each, literals } from './schema-builders.js';
import type { DeclaredDataRisk } from './declared-data-risk.js';

export const DataClassificationSchema = literals(DATA_CLASSIFICATIONS);

// Every object here is closed: a misspelt category or action is refused (422 at its path) rather
// than stored as a declaration that silently says nothing.

/**
 * A span type's declared data categories (`params_data_categories`, `result_data_categories`):
 * each field optional, a missing one meaning `unknown` (as Prefactor's Python models default it).
 */
export const DataCategoriesDeclaration = Type.Object(
  { classification: Type.Optional(DataClassificationSchema), ...each(DATA_CATEGORIES, Type.Optional(literals(DATA_CATEGORY_PRESENCES))) },
  { additionalProperties: false },
);
export type DataCategoriesDeclaration = Static<typeof DataCategoriesDeclaration>;

/** A span type's declared actions (`action_profile`), each `unknown` when missing. */
export const ActionProfileDeclaration = Type.Object(each(DATA_ACTIONS, Type.Optional(literals(DATA_ACTION_PERMISSIONS))), {
  additionalProperties: false,
});
export type ActionProfileDeclaration = Static<typeof ActionProfileDeclaration>;

/**
 * A span type's (or quality schema's) `data_risk`: what the engineer declares it touches, never
 * sniffed from payloads. `completeDataRisk` fills in what is left out.
 */
export const DataRiskDeclaration = Type.Object(
  {
    action_profile: Type.Optional(ActionProfileDeclaration),
    params_data_categories: Type.Optional(DataCategoriesDeclaration),
    result_data_categories: Type.Optional(DataCategoriesDeclaration),
  },
  { additionalProperties: false },
);
export type DataRiskDeclaration = Static<typeof DataRiskDeclaration>;

// The plain type the TypeBox-free module states must be the schema's, field for field.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<DataRiskDeclaration, DeclaredDataRisk> = true;
void sameShape;
