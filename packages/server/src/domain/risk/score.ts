// The scoring rule, in one place: no store access, so every reader (instance answers, the /risk
// composition, span lists) scores alike, and the rule is tested on its own.
import {
  DATA_ACTIONS,
  DATA_CATEGORIES,
  type CompleteDataRisk,
  type DataAction,
  type DataCategory,
  type InstanceRisk,
  type RiskContribution,
  type RiskLevel,
  type RiskThresholds,
} from '@agentspan/protocol';
import type { RiskProfileSettings } from '../risk-profiles/risk-profile-settings.js';

/** The profile a run is scored under: its settings and what names it. */
export interface ScoringProfile extends RiskProfileSettings {
  id: string;
  name: string;
  archived: boolean;
}

/** What one span type scores per span, and what made it. */
export interface SpanTypeScore {
  score: number;
  categories: DataCategory[];
  actions: DataAction[];
}

/** A run's score and band; null is "not assessed". */
export interface RiskAssessment {
  score: number;
  level: RiskLevel;
}

// Weights and multipliers are decimals; sums of them drift in binary (0.1 + 0.2). Rounding every
// figure we show to a millionth keeps the points summing to the score as a reader adds them up.
const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/**
 * One span type's score under a profile: (Σ weights of the categories the profile includes and the
 * type declares `included`, in its params or its result, each counted once) × (Σ multipliers of
 * the actions the profile includes and the type declares `allowed`). `unknown` counts nothing: a
 * declaration that says nothing adds no risk, and the rollups count such types apart.
 */
export function spanTypeScore(profile: RiskProfileSettings, declared: CompleteDataRisk): SpanTypeScore {
  const categories = DATA_CATEGORIES.filter(
    (category) =>
      profile.categories[category].included &&
      (declared.params_data_categories[category] === 'included' || declared.result_data_categories[category] === 'included'),
  );
  const actions = DATA_ACTIONS.filter((action) => profile.actions[action].included && declared.action_profile[action] === 'allowed');
  const weights = categories.reduce((sum, category) => sum + profile.categories[category].weight, 0);
  const multipliers = actions.reduce((sum, action) => sum + profile.actions[action].multiplier, 0);
  return { score: round(weights * multipliers), categories, actions };
}

/**
 * Whether a declaration can score above 0 under some profile: it needs a category declared
 * `included` (params or result) and an action declared `allowed`, as weights × multipliers is 0
 * otherwise. Every threshold is positive, so spans of other types never raise a run's level.
 */
export function mayScore(declared: CompleteDataRisk | undefined): boolean {
  if (declared === undefined) return false;
  const someCategory = DATA_CATEGORIES.some(
    (category) => declared.params_data_categories[category] === 'included' || declared.result_data_categories[category] === 'included',
  );
  return someCategory && DATA_ACTIONS.some((action) => declared.action_profile[action] === 'allowed');
}

/** The band a score falls in: each threshold is the least score of its band. */
export function riskLevel(score: number, thresholds: RiskThresholds): RiskLevel {
  if (score >= thresholds.critical) return 'critical';
  if (score >= thresholds.high) return 'high';
  if (score >= thresholds.medium) return 'medium';
  return 'low';
}

/** What a run's scoring reads: its agent's current profile (null: none), its schema version's declarations by span type, its span counts by type. */
export interface RunRiskInputs {
  profile: ScoringProfile | null;
  declarations: ReadonlyMap<string, CompleteDataRisk>;
  counts: ReadonlyMap<string, number>;
}

/** The run's contributing span types (those of its spans whose type declares data risk), by name. */
function contributions(profile: ScoringProfile, { declarations, counts }: RunRiskInputs, total: number): RiskContribution[] {
  const out: RiskContribution[] = [];
  for (const [name, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const declared = declarations.get(name);
    if (declared === undefined || count === 0) continue;
    const { score, categories, actions } = spanTypeScore(profile, declared);
    out.push({
      span_type: name,
      span_count: count,
      share: round(count / total),
      score_per_span: score,
      points: round(count * score),
      categories,
      actions,
    });
  }
  return out;
}

/**
 * A run's score: Σ over its span types of spans of the type × the type's score. Null ("not
 * assessed") when the agent has no profile, or none of the run's span types declares data risk: a
 * zero there would claim a run is harmless when nothing was said of it.
 */
export function assessRun(inputs: RunRiskInputs): RiskAssessment | null {
  const { profile, declarations, counts } = inputs;
  if (profile === null) return null;
  let score = 0;
  let declared = false;
  for (const [name, count] of counts) {
    const declaration = declarations.get(name);
    if (declaration === undefined || count === 0) continue;
    declared = true;
    score += count * spanTypeScore(profile, declaration).score;
  }
  if (!declared) return null;
  const rounded = round(score);
  return { score: rounded, level: riskLevel(rounded, profile.thresholds) };
}

/** The run's composition, as a Risk tab shows it; ids are the caller's. */
export function runComposition(inputs: RunRiskInputs, ids: { instanceId: string; agentId: string; schemaVersionId: string }): InstanceRisk {
  const { profile, counts } = inputs;
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const types = profile === null ? [] : contributions(profile, inputs, total);
  const declaredSpans = [...counts].reduce((sum, [name, count]) => sum + (inputs.declarations.has(name) ? count : 0), 0);
  const assessment = assessRun(inputs);
  return {
    type: 'agent_instance_risk',
    agent_instance_id: ids.instanceId,
    agent_id: ids.agentId,
    schema_version_id: ids.schemaVersionId,
    risk_score: assessment?.score ?? null,
    risk_level: assessment?.level ?? null,
    assessed: assessment !== null,
    profile:
      profile === null
        ? null
        : {
            id: profile.id,
            name: profile.name,
            thresholds: profile.thresholds,
            categories: DATA_CATEGORIES.filter((c) => profile.categories[c].included).map((c) => ({
              category: c,
              weight: profile.categories[c].weight,
            })),
            actions: DATA_ACTIONS.filter((a) => profile.actions[a].included).map((a) => ({ action: a, multiplier: profile.actions[a].multiplier })),
            archived: profile.archived,
          },
    span_count: total,
    undeclared_span_count: total - declaredSpans,
    span_types: types,
  };
}
