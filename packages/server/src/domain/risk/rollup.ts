// An agent's risk rollup, in one place and without store access: what its span types declare,
// summed over every declared type (theoretical) and over the types that produced spans
// (observed); the declarations beyond its profile; its runs by level. The reader gathers the
// inputs (agent-rollup.ts); this decides what they add up to, and is tested on its own.
import {
  DATA_ACTIONS,
  DATA_CATEGORIES,
  DATA_CLASSIFICATIONS,
  type AgentRiskRollup,
  type CompleteDataRisk,
  type DataClassification,
  type RiskDistribution,
  type RiskExceedance,
  type RiskRollupSide,
} from '@agentspan/protocol';
import type { RiskProfileSettings } from '../risk-profiles/risk-profile-settings.js';
import type { RiskAssessment } from './score.js';

/** A span type's declaration; null when it declares no data risk. */
export type SpanTypeDeclarations = ReadonlyMap<string, CompleteDataRisk | null>;

/** One schema version's span types. */
export interface VersionSpanTypes {
  id: string;
  spanTypes: SpanTypeDeclarations;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rank = (classification: DataClassification) => DATA_CLASSIFICATIONS.indexOf(classification);

/**
 * The span types of several schema versions, oldest first: a name declared in more than one
 * takes its newest declaration, the one the agent now ships (so a type that gained or lost its
 * risk data is counted as it stands now).
 */
export function mergeSpanTypes(versions: readonly VersionSpanTypes[]): Map<string, CompleteDataRisk | null> {
  const merged = new Map<string, CompleteDataRisk | null>();
  for (const version of versions) for (const [name, declared] of version.spanTypes) merged.set(name, declared);
  return new Map([...merged].sort(([a], [b]) => byName(a, b)));
}

/** A declaration's highest classification, of its params and its result. */
export function highestClassification(declared: CompleteDataRisk): DataClassification {
  const params = declared.params_data_categories.classification;
  const result = declared.result_data_categories.classification;
  return rank(params) >= rank(result) ? params : result;
}

const includes = (declared: CompleteDataRisk, category: (typeof DATA_CATEGORIES)[number]) =>
  declared.params_data_categories[category] === 'included' || declared.result_data_categories[category] === 'included';

/** What the given span types declare, summed. */
export function rollupSide(spanTypes: SpanTypeDeclarations): RiskRollupSide {
  const withRisk: string[] = [];
  const withoutRisk: string[] = [];
  const external: string[] = [];
  const categories = new Set<string>();
  const classifications = Object.fromEntries(DATA_CLASSIFICATIONS.map((c) => [c, 0])) as Record<DataClassification, number>;
  let highest: DataClassification | null = null;
  for (const [name, declared] of spanTypes) {
    if (declared === null) {
      withoutRisk.push(name);
      continue;
    }
    withRisk.push(name);
    for (const category of DATA_CATEGORIES) if (includes(declared, category)) categories.add(category);
    const classification = highestClassification(declared);
    classifications[classification] += 1;
    if (highest === null || rank(classification) > rank(highest)) highest = classification;
    if (declared.action_profile.external_communication === 'allowed') external.push(name);
  }
  return {
    total_span_types: spanTypes.size,
    span_types_with_risk_data: withRisk,
    span_types_without_risk_data: withoutRisk,
    categories_included: DATA_CATEGORIES.filter((c) => categories.has(c)),
    classification_counts: classifications,
    external_communication_span_types: external,
    highest_classification: highest,
  };
}

/**
 * Theoretical over every span type of the schema versions; observed over the types that produced
 * spans. A type that produced spans but none of the versions declares (spans may name any type)
 * is observed without risk data: the observed side says what ran, declared or not.
 */
export function riskRollup(versions: readonly VersionSpanTypes[], producedSpans: ReadonlySet<string>): AgentRiskRollup {
  const declared = mergeSpanTypes(versions);
  const observed = new Map<string, CompleteDataRisk | null>();
  for (const name of [...producedSpans].sort(byName)) observed.set(name, declared.get(name) ?? null);
  return { schema_version_ids: versions.map((v) => v.id), theoretical: rollupSide(declared), observed: rollupSide(observed) };
}

/**
 * Each span type × category it declares `included` (params or result) or action it declares
 * `allowed` that the profile does not include; null without a profile (nothing was agreed).
 */
export function riskExceedances(profile: RiskProfileSettings | null, spanTypes: SpanTypeDeclarations): RiskExceedance[] | null {
  if (profile === null) return null;
  const out: RiskExceedance[] = [];
  for (const [name, declared] of spanTypes) {
    if (declared === null) continue;
    for (const category of DATA_CATEGORIES) {
      if (includes(declared, category) && !profile.categories[category].included) out.push({ span_type: name, kind: 'category', name: category });
    }
    for (const action of DATA_ACTIONS) {
      if (declared.action_profile[action] === 'allowed' && !profile.actions[action].included)
        out.push({ span_type: name, kind: 'action', name: action });
    }
  }
  return out;
}

/** Runs by level; a null assessment is a run not assessed. */
export function riskDistribution(assessments: Iterable<RiskAssessment | null>, truncated: boolean): RiskDistribution {
  const out: RiskDistribution = { low: 0, medium: 0, high: 0, critical: 0, not_assessed: 0, runs_scored: 0, truncated };
  for (const assessment of assessments) {
    out.runs_scored += 1;
    if (assessment === null) out.not_assessed += 1;
    else out[assessment.level] += 1;
  }
  return out;
}
