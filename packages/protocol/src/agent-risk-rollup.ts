// What `GET /agent/show?include_risk_rollup=true` adds to an agent: its declared data risk summed
// over span types, the declarations that exceed its profile, and its runs by risk level. Built on
// the vocabulary alone (not risk-profile.ts, which imports agent.ts) so the imports stay acyclic.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { DATA_ACTIONS, DATA_CATEGORIES, DATA_CLASSIFICATIONS } from './risk-vocabulary.js';
import { each, literals } from './schema-builders.js';

/** Runs the distribution scores at most: the most recent ones; `truncated` says when there were more. */
export const MAX_RISK_DISTRIBUTION_RUNS = 10_000;

/** One side of the rollup: the span types it covers and what their declarations say. */
export const RiskRollupSide = Type.Object({
  /** Span types covered (with or without risk data), by name. */
  total_span_types: Type.Integer({ minimum: 0 }),
  span_types_with_risk_data: Type.Array(Type.String()),
  span_types_without_risk_data: Type.Array(Type.String()),
  /** Categories some covered type declares `included`, in params or result, in the vocabulary's order. */
  categories_included: Type.Array(literals(DATA_CATEGORIES)),
  /** Covered types with risk data by their highest classification (params or result). */
  classification_counts: Type.Object(each(DATA_CLASSIFICATIONS, Type.Integer({ minimum: 0 }))),
  /** Covered types declaring `external_communication` `allowed`. */
  external_communication_span_types: Type.Array(Type.String()),
  /** The highest classification any covered type declares; null when none has risk data. */
  highest_classification: Nullable(literals(DATA_CLASSIFICATIONS)),
});
export type RiskRollupSide = Static<typeof RiskRollupSide>;

export const AgentRiskRollup = Type.Object({
  /** The schema versions read: those of the runs in scope and the agent's newest, oldest first. */
  schema_version_ids: Type.Array(Type.String()),
  /** Every span type those schema versions declare. */
  theoretical: RiskRollupSide,
  /** The span types of theirs that produced spans in the runs in scope. */
  observed: RiskRollupSide,
});
export type AgentRiskRollup = Static<typeof AgentRiskRollup>;

/** A declaration beyond the agreed risk: a category a span type includes, or an action it allows, that the profile does not include. */
export const RiskExceedance = Type.Object({
  span_type: Type.String(),
  kind: Type.Union([Type.Literal('category'), Type.Literal('action')]),
  name: Type.Union([literals(DATA_CATEGORIES), literals(DATA_ACTIONS)]),
});
export type RiskExceedance = Static<typeof RiskExceedance>;

/** The agent's runs in scope by risk level, as each run is scored on read. */
export const RiskDistribution = Type.Object({
  low: Type.Integer({ minimum: 0 }),
  medium: Type.Integer({ minimum: 0 }),
  high: Type.Integer({ minimum: 0 }),
  critical: Type.Integer({ minimum: 0 }),
  not_assessed: Type.Integer({ minimum: 0 }),
  /** Runs counted: at most MAX_RISK_DISTRIBUTION_RUNS, the most recent. */
  runs_scored: Type.Integer({ minimum: 0 }),
  /** True when the scope held more runs than were scored. */
  truncated: Type.Boolean(),
});
export type RiskDistribution = Static<typeof RiskDistribution>;
