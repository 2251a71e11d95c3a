// Alerts [ours]: what the governance rules raise for someone to look at. A run that reaches a high
// or critical risk level opens one (raised, not repeated, when it climbs); a schema version whose
// declarations exceed what the agent's risk profile agreed opens one per span type × category or
// action it exceeds, per schema version and profile. An operator acknowledges them.
// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { IdempotencyKey, Nullable, OptionalNullable, PlainText, Timestamp } from './common.js';
import { Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';
import { literals } from './schema-builders.js';

export const ALERT_TYPES = ['run_risk', 'declared_risk_exceedance'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const ALERT_STATUSES = ['open', 'acknowledged'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
/** The levels at which a run opens an alert. */
export const ALERT_RISK_LEVELS = ['high', 'critical'] as const;
export type AlertRiskLevel = (typeof ALERT_RISK_LEVELS)[number];
export const EXCEEDANCE_KINDS = ['category', 'action'] as const;

export const MAX_ALERT_NOTE_LENGTH = 2000;

export const Alert = Type.Object({
  type: literals(ALERT_TYPES),
  id: Type.String(),
  status: literals(ALERT_STATUSES),
  agent_id: Type.String(),
  /** The run, for a `run_risk` alert; null for an exceedance. */
  agent_instance_id: Nullable(Type.String()),
  /** The schema version whose declarations exceed the profile; null for a `run_risk` alert. */
  agent_schema_version_id: Nullable(Type.String()),
  /** The run's environment, for a `run_risk` alert; null for an exceedance (a schema version belongs to no environment). */
  environment_id: Nullable(Type.String()),
  /** The profile the run was scored under, or the declarations were held against. */
  risk_profile_id: Type.String(),
  /** The level the run reached (the highest so far); null for an exceedance. */
  risk_level: Nullable(literals(ALERT_RISK_LEVELS)),
  /** The run's score when it reached that level; null for an exceedance. */
  risk_score: Nullable(Type.Number()),
  /** The span type that exceeds the profile; null for a `run_risk` alert. */
  span_type: Nullable(Type.String()),
  /** What it declares that the profile does not include; null for a `run_risk` alert. */
  exceeds: Nullable(Type.Object({ kind: literals(EXCEEDANCE_KINDS), name: Type.String() })),
  message: Type.String(),
  opened_at: Timestamp,
  /** When it was opened, raised or acknowledged last. */
  updated_at: Timestamp,
  acknowledged_at: Nullable(Timestamp),
  acknowledged_note: Nullable(Type.String()),
  /** The id of the token that acknowledged it. */
  acknowledged_by: Nullable(Type.String()),
});
export type Alert = Static<typeof Alert>;

export const AlertIdParams = Type.Object({ alert_id: PlainText({ minLength: 1 }) });

export const ALERT_SORT_FIELDS = ['id', 'opened_at', 'updated_at'] as const;
export type AlertSortField = (typeof ALERT_SORT_FIELDS)[number];

/** Which alerts a list or count covers: all of the account's, or those of one status, agent or environment. */
export const AlertFilterQuery = Type.Object({
  agent_id: Type.Optional(PlainText({ minLength: 1 })),
  environment_id: Type.Optional(PlainText({ minLength: 1 })),
});

export const ListAlertsQuery = Type.Object({
  status: Type.Optional(literals(ALERT_STATUSES)),
  ...AlertFilterQuery.properties,
  ...listQueryParams(ALERT_SORT_FIELDS),
});
export type ListAlertsQuery = Static<typeof ListAlertsQuery>;

export const CountAlertsQuery = AlertFilterQuery;
export type CountAlertsQuery = Static<typeof CountAlertsQuery>;

export const AcknowledgeAlertBody = Type.Object({
  note: OptionalNullable(PlainText({ maxLength: MAX_ALERT_NOTE_LENGTH })),
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type AcknowledgeAlertBody = Static<typeof AcknowledgeAlertBody>;

export const AlertResponse = Success(Alert);
export type AlertResponse = Static<typeof AlertResponse>;

export const AlertListResponse = ListPage(Alert);
export type AlertListResponse = Static<typeof AlertListResponse>;

/** `GET /alerts/count`: the open alerts, as Prefactor's open dashboard reads them (`count`). */
export const AlertCountResponse = Type.Object({ status: Type.Literal('success'), count: Type.Integer({ minimum: 0 }) });
export type AlertCountResponse = Static<typeof AlertCountResponse>;
