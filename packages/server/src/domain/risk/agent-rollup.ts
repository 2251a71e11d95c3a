// Where an agent's risk rollup reads from: its runs in scope (the most recent ones, optionally of
// one environment and of one version), their schema versions and the agent's newest (the
// version's own for a version), the runs' span counts by type, and the agent's current profile,
// read once. rollup.ts adds them up.
import {
  MAX_RISK_DISTRIBUTION_RUNS,
  type AgentRiskRollup,
  type AgentSchemaVersionForRegister,
  type CompleteDataRisk,
  type RiskDistribution,
  type RiskExceedance,
} from '@agentspan/protocol';
import type { AgentRecord, AgentVersionRecord, InstanceRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import { mergeSpanTypes, riskDistribution, riskExceedances, riskRollup, type VersionSpanTypes } from './rollup.js';
import { declarationsOf, profileOf } from './run-risk.js';
import { assessRun, type RiskAssessment, type ScoringProfile } from './score.js';

// Span counts are read this many runs at a time, so no single read names ten thousand ids.
const BATCH = 500;

/** What include_risk_rollup adds to an agent. */
export interface AgentRiskAnswer {
  risk_rollup: AgentRiskRollup;
  exceedances: RiskExceedance[] | null;
  risk_distribution: RiskDistribution;
}

/** Every span type a stored document names (typed, or in the flat maps), in no particular order. */
function spanTypeNames(document: AgentSchemaVersionForRegister): Set<string> {
  const names = new Set<string>((document.span_type_schemas ?? []).map((type) => type.name));
  for (const name of Object.keys(document.span_schemas ?? {})) names.add(name);
  for (const name of Object.keys(document.span_result_schemas ?? {})) names.add(name);
  return names;
}

async function versionSpanTypes(tx: ReadTx, accountId: string, id: string): Promise<VersionSpanTypes | undefined> {
  const row = await tx.getSchemaVersion(accountId, id);
  if (!row) return undefined;
  const declarations = await declarationsOf(tx, accountId, id);
  const spanTypes = new Map<string, CompleteDataRisk | null>();
  for (const name of spanTypeNames(JSON.parse(row.document_json) as AgentSchemaVersionForRegister)) {
    spanTypes.set(name, declarations.get(name) ?? null);
  }
  return { id, spanTypes };
}

/**
 * The agent's rollup over its runs in scope, or over one version's runs when `version` is given.
 * The schema versions read are those of the runs scored plus the agent's newest (declared,
 * perhaps not yet run: theoretical risk includes what is about to ship) or the version's own,
 * oldest first, so a type's newest declaration stands. The distribution scores the most recent
 * MAX_RISK_DISTRIBUTION_RUNS runs and says when there were more; observed covers the same runs.
 */
export async function agentRiskAnswer(
  tx: ReadTx,
  agent: AgentRecord,
  environmentId: string | undefined,
  version?: AgentVersionRecord,
): Promise<AgentRiskAnswer> {
  const accountId = agent.account_id;
  const { runs, assessments, produced, truncated, profile } = await scoredRuns(tx, agent, environmentId, version);
  const schemaVersions = await tx.listSchemaVersions(accountId, agent.id);
  const used = new Set(runs.map((run) => run.schema_version_id));
  const declared = version === undefined ? schemaVersions.at(-1)?.id : version.agent_schema_version_id;
  const inScope = schemaVersions.filter((schema) => used.has(schema.id) || schema.id === declared);
  const versions: VersionSpanTypes[] = [];
  for (const schema of inScope) {
    const read = await versionSpanTypes(tx, accountId, schema.id);
    if (read) versions.push(read);
  }
  return {
    risk_rollup: riskRollup(versions, produced),
    exceedances: riskExceedances(profile, mergeSpanTypes(versions)),
    risk_distribution: riskDistribution(assessments, truncated),
  };
}

/** The runs in scope, newest first, each scored; what an agent list's summary and the rollup share. */
export interface ScoredRuns {
  runs: InstanceRecord[];
  assessments: (RiskAssessment | null)[];
  /** The span types that produced spans in those runs. */
  produced: Set<string>;
  /** Whether there were more than MAX_RISK_DISTRIBUTION_RUNS runs (the older ones not scored). */
  truncated: boolean;
  profile: ScoringProfile | null;
}

/** The agent's most recent MAX_RISK_DISTRIBUTION_RUNS runs (of an environment, of a version), scored. */
export async function scoredRuns(
  tx: ReadTx,
  agent: AgentRecord,
  environmentId: string | undefined,
  version?: AgentVersionRecord,
): Promise<ScoredRuns> {
  const accountId = agent.account_id;
  const listed = await tx.listInstances({
    account_id: accountId,
    agent_id: agent.id,
    ...(environmentId === undefined ? {} : { environment_id: environmentId }),
    ...(version === undefined ? {} : { agent_version_id: version.id }),
    limit: MAX_RISK_DISTRIBUTION_RUNS + 1,
  });
  const truncated = listed.length > MAX_RISK_DISTRIBUTION_RUNS;
  const runs: InstanceRecord[] = listed.slice(0, MAX_RISK_DISTRIBUTION_RUNS);

  // One profile read and one span-count read per batch: each run is scored as its own answers
  // score it (score.ts), from the same counts that say which types produced spans.
  const profile = await profileOf(tx, accountId, agent.id);
  const assessments: (RiskAssessment | null)[] = [];
  const produced = new Set<string>();
  for (let at = 0; at < runs.length; at += BATCH) {
    const batch = runs.slice(at, at + BATCH);
    const counts = await tx.spanTypeCountsOf(
      accountId,
      batch.map((run) => run.id),
    );
    for (const run of batch) {
      const byType = counts.get(run.id) ?? new Map<string, number>();
      for (const [name, count] of byType) if (count > 0) produced.add(name);
      const declarations = profile === null ? new Map() : await declarationsOf(tx, accountId, run.schema_version_id);
      assessments.push(assessRun({ profile, declarations, counts: byType }));
    }
  }

  return { runs, assessments, produced, truncated, profile };
}
