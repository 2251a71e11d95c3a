// Plain values, no schema builders: the viewer and the scoring read the vocabulary without TypeBox.

/**
 * The 17 data categories a span type declares (`data_risk.*_data_categories`) and a risk profile
 * weighs, in the three groups Prefactor's admin UI shows them under. Which of the first ten are
 * "standard" and which "sensitive" is this project's reading: Prefactor names the groups, not
 * their members.
 */
export const STANDARD_DATA_CATEGORIES = ['personal_identifiers', 'contact_information', 'location_and_tracking', 'behavioural_and_inferred'] as const;
export const SENSITIVE_DATA_CATEGORIES = [
  'financial_information',
  'health_and_medical',
  'criminal_justice',
  'authentication_and_secrets',
  'organisational_confidential',
  'minors_data',
] as const;
/** GDPR Article 9 special categories of personal data. */
export const GDPR_SPECIAL_CATEGORIES = [
  'gdpr_racial_or_ethnic_origin',
  'gdpr_political_opinions',
  'gdpr_religious_or_philosophical_beliefs',
  'gdpr_trade_union_membership',
  'gdpr_genetic_data',
  'gdpr_biometric_for_identification',
  'gdpr_sex_life_or_sexual_orientation',
] as const;

/** Every data category, group by group: the order answers list them in. */
export const DATA_CATEGORIES = [...STANDARD_DATA_CATEGORIES, ...SENSITIVE_DATA_CATEGORIES, ...GDPR_SPECIAL_CATEGORIES] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** The groups with a title each, for a reader that shows them as Prefactor does. */
export const DATA_CATEGORY_GROUPS = [
  { group: 'standard', title: 'Standard personal data', categories: STANDARD_DATA_CATEGORIES },
  { group: 'sensitive', title: 'Sensitive data', categories: SENSITIVE_DATA_CATEGORIES },
  { group: 'gdpr_special', title: 'GDPR Article 9 special categories', categories: GDPR_SPECIAL_CATEGORIES },
] as const;
export type DataCategoryGroup = (typeof DATA_CATEGORY_GROUPS)[number]['group'];

/** The six actions a span type's `data_risk.action_profile` declares and a risk profile multiplies. */
export const DATA_ACTIONS = ['create_data', 'read_data', 'update_data', 'destroy_data', 'financial_transactions', 'external_communication'] as const;
export type DataAction = (typeof DATA_ACTIONS)[number];

/** A declaration's classification of its data, least to most sensitive after `unknown`. */
export const DATA_CLASSIFICATIONS = ['unknown', 'public', 'internal', 'confidential', 'restricted', 'secret'] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/** What a declaration says of one category: present, confirmed absent, or not said. */
export const DATA_CATEGORY_PRESENCES = ['unknown', 'included', 'excluded'] as const;
export type DataCategoryPresence = (typeof DATA_CATEGORY_PRESENCES)[number];

/** What a declaration says of one action: the span type performs it, never does, or not said. */
export const DATA_ACTION_PERMISSIONS = ['unknown', 'allowed', 'disallowed'] as const;
export type DataActionPermission = (typeof DATA_ACTION_PERMISSIONS)[number];

/** The bands a score falls in under a profile's thresholds, lowest first. */
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** A category's weight and an action's multiplier lie in 0…these (Prefactor's 0–10 weights; the multiplier bound is this project's). */
export const MAX_CATEGORY_WEIGHT = 10;
export const MAX_ACTION_MULTIPLIER = 10;
/** What a profile holds for a category or action it does not mention: no weight, a neutral multiplier, neither included. */
export const DEFAULT_CATEGORY_WEIGHT = 0;
export const DEFAULT_ACTION_MULTIPLIER = 1;

export const isDataCategory = (name: string): name is DataCategory => (DATA_CATEGORIES as readonly string[]).includes(name);
export const isDataAction = (name: string): name is DataAction => (DATA_ACTIONS as readonly string[]).includes(name);
