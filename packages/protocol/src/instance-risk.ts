// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { Success } from './envelopes.js';
import { DataActionSchema, DataCategorySchema, RiskLevelSchema, RiskThresholds } from './risk-profile.js';

/** One span type of a run that declares data risk, and what it brings to the run's score. */
export const RiskContribution = Type.Object({
  span_type: Type.String(),
  /** Spans of the type in the run. */
  span_count: Type.Integer({ minimum: 0 }),
  /** `span_count` ÷ all the run's spans (0…1). */
  share: Type.Number({ minimum: 0, maximum: 1 }),
  /** (Σ weights of `categories`) × (Σ multipliers of `actions`). */
  score_per_span: Type.Number({ minimum: 0 }),
  /** `span_count` × `score_per_span`: the points sum to the run's score. */
  points: Type.Number({ minimum: 0 }),
  /** The categories the profile includes and the type declares `included` (params or result, counted once). */
  categories: Type.Array(DataCategorySchema),
  /** The actions the profile includes and the type declares `allowed`. */
  actions: Type.Array(DataActionSchema),
});
export type RiskContribution = Static<typeof RiskContribution>;

/** The profile a run was scored under: what it includes, with the weights and multipliers that counted. */
export const RiskProfileApplied = Type.Object({
  id: Type.String(),
  name: Type.String(),
  thresholds: RiskThresholds,
  categories: Type.Array(Type.Object({ category: DataCategorySchema, weight: Type.Number() })),
  actions: Type.Array(Type.Object({ action: DataActionSchema, multiplier: Type.Number() })),
  /** Archived profiles still score the agents assigned them. */
  archived: Type.Boolean(),
});
export type RiskProfileApplied = Static<typeof RiskProfileApplied>;

/**
 * GET /api/v1/agent_instance/{id}/risk: how the run's score is made, scored on read against the
 * agent's current profile and the run's own schema version. `profile` is null when the agent has
 * none; `span_types` is empty (and the score null) when none of the run's span types declares data risk.
 */
export const InstanceRisk = Type.Object({
  type: Type.Literal('agent_instance_risk'),
  agent_instance_id: Type.String(),
  agent_id: Type.String(),
  schema_version_id: Type.String(),
  /** Σ of the span types' points; null when not assessed. */
  risk_score: Nullable(Type.Number({ minimum: 0 })),
  /** The band `risk_score` falls in under the profile's thresholds; null when not assessed. */
  risk_level: Nullable(RiskLevelSchema),
  /** Whether a score could be given: false when the agent has no profile or no span type of the run declares data risk. */
  assessed: Type.Boolean(),
  profile: Nullable(RiskProfileApplied),
  /** All the run's spans. */
  span_count: Type.Integer({ minimum: 0 }),
  /** The run's spans whose type declares no data risk: they count nothing. */
  undeclared_span_count: Type.Integer({ minimum: 0 }),
  span_types: Type.Array(RiskContribution),
});
export type InstanceRisk = Static<typeof InstanceRisk>;

export const InstanceRiskResponse = Success(InstanceRisk);
export type InstanceRiskResponse = Static<typeof InstanceRiskResponse>;
