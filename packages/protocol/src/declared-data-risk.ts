// Plain values and functions, no schema builders: the viewer and the scoring read declarations
// without TypeBox. The TypeBox schema that checks requests is in data-risk.ts.
import {
  DATA_ACTION_PERMISSIONS,
  DATA_ACTIONS,
  DATA_CATEGORIES,
  DATA_CATEGORY_PRESENCES,
  DATA_CLASSIFICATIONS,
  type DataAction,
  type DataActionPermission,
  type DataCategory,
  type DataCategoryPresence,
  type DataClassification,
} from './risk-vocabulary.js';

/** What a declaration says of every action. */
export type CompleteActionProfile = { [A in DataAction]: DataActionPermission };
/** What a declaration says of data flowing into (or out of) a span: its classification and every category. */
export type CompleteDataCategories = { classification: DataClassification } & { [C in DataCategory]: DataCategoryPresence };

/** A declaration with every field said: what the scoring reads. */
export interface CompleteDataRisk {
  action_profile: CompleteActionProfile;
  params_data_categories: CompleteDataCategories;
  result_data_categories: CompleteDataCategories;
}

/** A declaration as sent: any field may be left out (it means `unknown`). */
export interface DeclaredDataRisk {
  action_profile?: Partial<CompleteActionProfile>;
  params_data_categories?: Partial<CompleteDataCategories>;
  result_data_categories?: Partial<CompleteDataCategories>;
}

/** The fields of a declaration's parts, and what each may say. */
const CATEGORY_FIELDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['classification', DATA_CLASSIFICATIONS],
  ...DATA_CATEGORIES.map((category) => [category, DATA_CATEGORY_PRESENCES] as const),
];
const ACTION_FIELDS: ReadonlyArray<readonly [string, readonly string[]]> = DATA_ACTIONS.map((action) => [action, DATA_ACTION_PERMISSIONS] as const);
const PARTS = [
  ['action_profile', ACTION_FIELDS],
  ['params_data_categories', CATEGORY_FIELDS],
  ['result_data_categories', CATEGORY_FIELDS],
] as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (object: Record<string, unknown>, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);

function completePart(given: unknown, fields: ReadonlyArray<readonly [string, readonly string[]]>): Record<string, string> {
  const part = isObject(given) ? given : {};
  const out: Record<string, string> = {};
  for (const [field, allowed] of fields) {
    const value = own(part, field);
    out[field] = typeof value === 'string' && allowed.includes(value) ? value : 'unknown';
  }
  return out;
}

/**
 * The full declaration: every field left out is `unknown`. Lenient on purpose: documents stored
 * before declarations were checked may hold any JSON under `data_risk`, and reading them must not
 * fail, so a value outside the vocabulary reads as `unknown` and an unknown key is ignored.
 */
export function completeDataRisk(declared: unknown): CompleteDataRisk {
  const risk = isObject(declared) ? declared : {};
  const [actions, params, result] = PARTS.map(([part, fields]) => completePart(own(risk, part), fields));
  return {
    action_profile: actions as CompleteActionProfile,
    params_data_categories: params as CompleteDataCategories,
    result_data_categories: result as CompleteDataCategories,
  };
}

/** One thing wrong with a declaration: where (relative to `data_risk`, e.g. `action_profile.wire_money`) and what to send. */
export interface DataRiskProblem {
  path: string;
  message: string;
}

/** What is wrong with a declaration, as the server would refuse it; empty when it is valid. For checks before anything is sent. */
export function dataRiskProblems(declared: unknown): DataRiskProblem[] {
  if (!isObject(declared)) return [{ path: '', message: 'must be an object such as { action_profile: { read_data: "allowed" } }' }];
  const problems: DataRiskProblem[] = [];
  const known = (names: readonly string[]) => `is not a known field; the fields here are: ${names.join(', ')}`;
  for (const key of Object.keys(declared)) {
    const part = PARTS.find(([name]) => name === key);
    if (!part) {
      problems.push({ path: key, message: known(PARTS.map(([name]) => name)) });
      continue;
    }
    const value = declared[key];
    if (!isObject(value)) {
      problems.push({ path: key, message: 'must be an object' });
      continue;
    }
    const fields = part[1];
    for (const [field, given] of Object.entries(value)) {
      const allowed = fields.find(([name]) => name === field)?.[1];
      if (!allowed) problems.push({ path: `${key}.${field}`, message: known(fields.map(([name]) => name)) });
      else if (typeof given !== 'string' || !allowed.includes(given)) {
        problems.push({ path: `${key}.${field}`, message: `must be one of: ${allowed.join(', ')}` });
      }
    }
  }
  return problems;
}
