import {
  DATA_ACTIONS,
  DATA_CATEGORIES,
  DEFAULT_ACTION_MULTIPLIER,
  DEFAULT_CATEGORY_WEIGHT,
  isDataAction,
  isDataCategory,
  type ActionSetting,
  type ActionSettingsInput,
  type CategorySetting,
  type CategorySettingsInput,
  type DataAction,
  type DataCategory,
  type FieldErrors,
  type RiskThresholds,
} from '@agentspan/protocol';
import type { RiskProfileRecord } from '../../store/records.js';
import { validationError } from '../errors.js';

/** Every category's setting and every action's: what a profile holds, in the vocabulary's order. */
export type CategorySettings = Record<DataCategory, CategorySetting>;
export type ActionSettings = Record<DataAction, ActionSetting>;

export interface RiskProfileSettings {
  categories: CategorySettings;
  actions: ActionSettings;
  thresholds: RiskThresholds;
}

const NO_CATEGORY: CategorySetting = { weight: DEFAULT_CATEGORY_WEIGHT, included: false };
const NO_ACTION: ActionSetting = { multiplier: DEFAULT_ACTION_MULTIPLIER, included: false };

export const DEFAULT_CATEGORIES = Object.fromEntries(DATA_CATEGORIES.map((c) => [c, NO_CATEGORY])) as CategorySettings;
export const DEFAULT_ACTIONS = Object.fromEntries(DATA_ACTIONS.map((a) => [a, NO_ACTION])) as ActionSettings;

/**
 * A profile's settings as stored, every name filled: a stored map lacking one (a row imported from
 * a hand-made file) reads it as its default rather than failing the read.
 */
export function storedSettings(profile: RiskProfileRecord): RiskProfileSettings {
  const categories = JSON.parse(profile.categories_json) as Partial<CategorySettings>;
  const actions = JSON.parse(profile.actions_json) as Partial<ActionSettings>;
  return {
    categories: Object.fromEntries(
      DATA_CATEGORIES.map((c) => [c, { weight: categories[c]?.weight ?? NO_CATEGORY.weight, included: categories[c]?.included ?? false }]),
    ) as CategorySettings,
    actions: Object.fromEntries(
      DATA_ACTIONS.map((a) => [a, { multiplier: actions[a]?.multiplier ?? NO_ACTION.multiplier, included: actions[a]?.included ?? false }]),
    ) as ActionSettings,
    thresholds: JSON.parse(profile.thresholds_json) as RiskThresholds,
  };
}

/**
 * `base` with what a request names changed, down to one field of one entry. A name outside the
 * vocabulary is reported at its own path (`details.categories.<name>`), every one at once.
 */
function merged<K extends string, S extends object>(
  field: string,
  base: Record<K, S>,
  sent: Partial<Record<K, Partial<S>>> | undefined,
  known: (name: string) => name is K,
  vocabulary: readonly string[],
  errors: FieldErrors,
): Record<K, S> {
  if (sent === undefined) return base;
  const result = { ...base };
  for (const [name, setting] of Object.entries<Partial<S> | undefined>(sent)) {
    if (!known(name)) {
      errors[`${field}.${name}`] = [`is not one of the ${vocabulary.length} names this field takes: ${vocabulary.join(', ')}`];
    } else if (setting !== undefined) {
      // Only the setting's own fields: extra ones a request carries are ignored, never stored.
      const next = { ...base[name] };
      for (const key of Object.keys(next) as Array<keyof S>) if (setting[key] !== undefined) next[key] = setting[key];
      result[name] = next;
    }
  }
  return result;
}

/** The ways thresholds can be wrong that a schema cannot see: each must exceed the one below it. */
function thresholdErrors(thresholds: RiskThresholds, errors: FieldErrors): void {
  const { medium, high, critical } = thresholds;
  if (!(high > medium))
    errors['details.thresholds.high'] = [`must be greater than medium (${medium}); thresholds rise strictly: medium < high < critical`];
  if (!(critical > high))
    errors['details.thresholds.critical'] = [`must be greater than high (${high}); thresholds rise strictly: medium < high < critical`];
}

export interface SettingsChange {
  categories?: CategorySettingsInput | undefined;
  actions?: ActionSettingsInput | undefined;
  thresholds?: Partial<RiskThresholds> | undefined;
}

/** `base` with a request's categories, actions and thresholds applied; 422 naming each field at fault, before anything is written. */
export function changedSettings(base: RiskProfileSettings, change: SettingsChange): RiskProfileSettings {
  const errors: FieldErrors = {};
  const categories = merged('details.categories', base.categories, change.categories, isDataCategory, DATA_CATEGORIES, errors);
  const actions = merged('details.actions', base.actions, change.actions, isDataAction, DATA_ACTIONS, errors);
  const thresholds = { ...base.thresholds, ...change.thresholds };
  thresholdErrors(thresholds, errors);
  if (Object.keys(errors).length > 0) throw validationError(errors);
  return { categories, actions, thresholds };
}

/** The stored columns of a profile's settings. */
export const settingsColumns = (settings: RiskProfileSettings): Pick<RiskProfileRecord, 'categories_json' | 'actions_json' | 'thresholds_json'> => ({
  categories_json: JSON.stringify(settings.categories),
  actions_json: JSON.stringify(settings.actions),
  thresholds_json: JSON.stringify(settings.thresholds),
});
