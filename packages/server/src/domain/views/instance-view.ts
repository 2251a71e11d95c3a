import { SINGLE_QUALITY_NAME, type SpanCounts } from '@agentspan/protocol';
import type { InstanceRecord, SpanStatusCounts } from '../../store/records.js';
import type { ChangedResource } from '../events/changed-resource.js';
import type { RiskAssessment } from '../risk/score.js';
import type { RunFigures } from '../instances/run-cost.js';

export function spanCounts(counts: SpanStatusCounts): SpanCounts {
  const pending = counts.pending ?? 0,
    active = counts.active ?? 0;
  const complete = counts.complete ?? 0,
    failed = counts.failed ?? 0,
    cancelled = counts.cancelled ?? 0;
  const finished = complete + failed + cancelled;
  return { total: pending + active + finished + (counts.terminated ?? 0), pending, active, complete, failed, cancelled, finished };
}

/** The name single-record readers see: `quality` (0.3's one record) if recorded, else the first name in sort order. */
function singleQualityJson(instance: InstanceRecord): string {
  if (instance.quality_payloads_json === '{}') return '"quality_payload":null,"quality_summary":null';
  const payloads = JSON.parse(instance.quality_payloads_json) as Record<string, unknown>;
  const names = Object.keys(payloads);
  const name = Object.hasOwn(payloads, SINGLE_QUALITY_NAME) ? SINGLE_QUALITY_NAME : names.sort()[0];
  if (name === undefined) return '"quality_payload":null,"quality_summary":null';
  const summaries = JSON.parse(instance.quality_summaries_json) as Record<string, string>;
  const summary = Object.hasOwn(summaries, name) ? summaries[name] : null;
  return `"quality_payload":${JSON.stringify(payloads[name])},"quality_summary":${JSON.stringify(summary)}`;
}

/**
 * The AgentInstance resource as JSON text, quality maps spliced in as stored. `risk` is its score
 * read now (see risk/run-risk.ts); null when not assessed. `figures` are the run's token totals the
 * writes keep (`ReadTx.instanceModelUsage`), priced now, and its duration (see instances/run-cost.ts).
 */
export function instanceJson(instance: InstanceRecord, counts: SpanStatusCounts, risk: RiskAssessment | null, figures: RunFigures): string {
  const head = JSON.stringify({
    type: 'agent_instance',
    id: instance.id,
    account_id: instance.account_id,
    agent_id: instance.agent_id,
    agent_version_id: instance.agent_version_id,
    agent_schema_version_id: instance.schema_version_id,
    environment_id: instance.environment_id,
    agent_deployment_id: instance.agent_deployment_id,
    status: instance.status,
    purpose: instance.purpose,
    inserted_at: instance.inserted_at,
    updated_at: instance.updated_at,
    started_at: instance.started_at,
    finished_at: instance.finished_at,
    termination_reason: instance.termination_reason,
    terminated_by: instance.terminated_by_token_id === null ? null : { token_id: instance.terminated_by_token_id },
    span_counts: spanCounts(counts),
    usage: figures.usage,
    cost_usd: figures.cost_usd,
    unpriced_models: figures.unpriced_models,
    duration_ms: figures.duration_ms,
    risk_score: risk?.score ?? null,
    risk_level: risk?.level ?? null,
  });
  return `${head.slice(0, -1)},"quality_payloads":${instance.quality_payloads_json},"quality_summaries":${instance.quality_summaries_json},${singleQualityJson(instance)}}`;
}

/** The instance as the events stream sends it, from its JSON (`instanceJson`). */
export const instanceResource = (instance: InstanceRecord, json: string): ChangedResource => ({
  instanceId: instance.id,
  resourceId: instance.id,
  json,
});
