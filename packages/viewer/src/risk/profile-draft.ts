import {
  DATA_ACTIONS,
  DATA_CATEGORIES,
  DEFAULT_ACTION_MULTIPLIER,
  DEFAULT_CATEGORY_WEIGHT,
  MAX_ACTION_MULTIPLIER,
  MAX_CATEGORY_WEIGHT,
  type DataAction,
  type DataCategory,
  type RiskProfile,
} from '@agentspan/protocol';
import type { RiskProfileDraft } from '../api/risk-profiles.js';

/** The form's values as typed: numbers stay text until checked, so a half-typed value is never lost. */
export interface FormValues {
  name: string;
  description: string;
  categories: Record<DataCategory, { weight: string; included: boolean }>;
  actions: Record<DataAction, { multiplier: string; included: boolean }>;
  thresholds: { medium: string; high: string; critical: string };
}

/** Field path (as the server names it: `details.thresholds.high`) → what is wrong there. */
export type FieldMessages = Record<string, string>;

export const MAX_NAME = 200;
export const MAX_DESCRIPTION = 2000;

export function formValues(profile?: RiskProfile): FormValues {
  return {
    name: profile?.name ?? '',
    description: profile?.description ?? '',
    categories: Object.fromEntries(
      DATA_CATEGORIES.map((c) => [
        c,
        { weight: String(profile?.categories[c].weight ?? DEFAULT_CATEGORY_WEIGHT), included: profile?.categories[c].included ?? false },
      ]),
    ) as FormValues['categories'],
    actions: Object.fromEntries(
      DATA_ACTIONS.map((a) => [
        a,
        { multiplier: String(profile?.actions[a].multiplier ?? DEFAULT_ACTION_MULTIPLIER), included: profile?.actions[a].included ?? false },
      ]),
    ) as FormValues['actions'],
    thresholds: {
      medium: String(profile?.thresholds.medium ?? 10),
      high: String(profile?.thresholds.high ?? 30),
      critical: String(profile?.thresholds.critical ?? 60),
    },
  };
}

const parsed = (text: string) => (text.trim() === '' ? NaN : Number(text));

function inRange(text: string, max: number, what: string): string | null {
  const n = parsed(text);
  if (!Number.isFinite(n)) return `enter a ${what} from 0 to ${max}`;
  if (n < 0 || n > max) return `must be from 0 to ${max} (got ${text.trim()})`;
  return null;
}

/** Every wrong value, named by the path the server would name it with, so both land on the same field. */
export function check(values: FormValues): FieldMessages {
  const errors: FieldMessages = {};
  const name = values.name.trim();
  if (name === '') errors['details.name'] = 'give the profile a name';
  else if ([...name].length > MAX_NAME) errors['details.name'] = `must be at most ${MAX_NAME} characters (got ${[...name].length})`;
  if ([...values.description].length > MAX_DESCRIPTION)
    errors['details.description'] = `must be at most ${MAX_DESCRIPTION} characters (got ${[...values.description].length})`;
  for (const c of DATA_CATEGORIES) {
    const wrong = inRange(values.categories[c].weight, MAX_CATEGORY_WEIGHT, 'weight');
    if (wrong) errors[`details.categories.${c}.weight`] = wrong;
  }
  for (const a of DATA_ACTIONS) {
    const wrong = inRange(values.actions[a].multiplier, MAX_ACTION_MULTIPLIER, 'multiplier');
    if (wrong) errors[`details.actions.${a}.multiplier`] = wrong;
  }
  const medium = parsed(values.thresholds.medium);
  const high = parsed(values.thresholds.high);
  const critical = parsed(values.thresholds.critical);
  const rise = 'thresholds rise strictly: medium < high < critical';
  if (!Number.isFinite(medium)) errors['details.thresholds.medium'] = 'enter a number greater than 0';
  else if (medium <= 0) errors['details.thresholds.medium'] = `must be greater than 0 (got ${medium})`;
  if (!Number.isFinite(high)) errors['details.thresholds.high'] = 'enter a number greater than medium';
  else if (Number.isFinite(medium) && !(high > medium)) errors['details.thresholds.high'] = `must be greater than medium (${medium}); ${rise}`;
  if (!Number.isFinite(critical)) errors['details.thresholds.critical'] = 'enter a number greater than high';
  else if (Number.isFinite(high) && !(critical > high)) errors['details.thresholds.critical'] = `must be greater than high (${high}); ${rise}`;
  return errors;
}

/** The request body's `details`, once `check` finds nothing wrong. */
export function draftOf(values: FormValues): RiskProfileDraft {
  const description = values.description.trim();
  return {
    name: values.name.trim(),
    description: description === '' ? null : description,
    categories: Object.fromEntries(
      DATA_CATEGORIES.map((c) => [c, { weight: Number(values.categories[c].weight), included: values.categories[c].included }]),
    ) as RiskProfileDraft['categories'],
    actions: Object.fromEntries(
      DATA_ACTIONS.map((a) => [a, { multiplier: Number(values.actions[a].multiplier), included: values.actions[a].included }]),
    ) as RiskProfileDraft['actions'],
    thresholds: { medium: Number(values.thresholds.medium), high: Number(values.thresholds.high), critical: Number(values.thresholds.critical) },
  };
}

/**
 * A server's 422 paths onto the form's: `details.categories.x` (the whole entry) lands on its
 * weight, `details.thresholds` on medium; what names no field is shown above the form.
 */
export function serverMessages(errors: Record<string, string[]>, fields: ReadonlySet<string>): { fields: FieldMessages; rest: string[] } {
  const out: FieldMessages = {};
  const rest: string[] = [];
  for (const [path, messages] of Object.entries(errors)) {
    const text = messages.join('; ');
    let target: string | undefined;
    // `details.categories.x.included` has no input of its own: it lands on the nearest field under `details.categories.x`.
    for (let at = path; !target && at.includes('.'); at = at.slice(0, at.lastIndexOf('.'))) {
      target = fields.has(at) ? at : [...fields].find((f) => f.startsWith(`${at}.`));
    }
    if (target) out[target] = out[target] ? `${out[target]}; ${text}` : text;
    else rest.push(`${path}: ${text}`);
  }
  return { fields: out, rest };
}

/** Every path the form has a place for. */
export const FORM_FIELDS: ReadonlySet<string> = new Set([
  'details.name',
  'details.description',
  ...DATA_CATEGORIES.map((c) => `details.categories.${c}.weight`),
  ...DATA_ACTIONS.map((a) => `details.actions.${a}.multiplier`),
  'details.thresholds.medium',
  'details.thresholds.high',
  'details.thresholds.critical',
]);
