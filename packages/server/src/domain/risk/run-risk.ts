// Where scoring reads from: the agent's current profile, the run's own schema version's
// declarations, and the run's span counts by type, kept by every write path. Never the spans
// themselves: reading a score costs the same for a run of ten spans as for one of a million.
import { completeDataRisk, type AgentSchemaVersionForRegister, type CompleteDataRisk, type InstanceRisk } from '@agentspan/protocol';
import type { InstanceRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import { storedSettings } from '../risk-profiles/risk-profile-settings.js';
import { assessRun, mayScore, runComposition, type RiskAssessment, type ScoringProfile } from './score.js';

const MAX_CACHED = 1000;
/** By schema version id (with its account, which must match: a key that needs no joining, on every span write). */
const declarationCache = new Map<string, { accountId: string; declarations: ReadonlyMap<string, CompleteDataRisk> }>();

/** The span types of a stored document that declare data risk, each declaration completed. */
export function declarationsOfDocument(document: AgentSchemaVersionForRegister): Map<string, CompleteDataRisk> {
  const declared = new Map<string, CompleteDataRisk>();
  for (const type of document.span_type_schemas ?? []) {
    if (type.data_risk !== undefined && type.data_risk !== null) declared.set(type.name, completeDataRisk(type.data_risk));
  }
  return declared;
}

/** The declarations `declarationsOf` has kept, without waiting on anything. */
function cachedDeclarations(accountId: string, schemaVersionId: string): ReadonlyMap<string, CompleteDataRisk> | undefined {
  const cached = declarationCache.get(schemaVersionId);
  return cached?.accountId === accountId ? cached.declarations : undefined;
}

/**
 * A schema version's declarations by span type. Schema versions never change once stored (ids are
 * never reused), so each is parsed once per process, whichever store or account asks, and kept.
 */
export async function declarationsOf(tx: ReadTx, accountId: string, schemaVersionId: string): Promise<ReadonlyMap<string, CompleteDataRisk>> {
  const cached = cachedDeclarations(accountId, schemaVersionId);
  if (cached) return cached;
  const row = await tx.getSchemaVersion(accountId, schemaVersionId);
  const declarations = row ? declarationsOfDocument(JSON.parse(row.document_json) as AgentSchemaVersionForRegister) : new Map();
  if (!row) return declarations;
  if (declarationCache.size >= MAX_CACHED) declarationCache.delete(declarationCache.keys().next().value!);
  declarationCache.set(schemaVersionId, { accountId, declarations });
  return declarations;
}

const scoringVersions = new WeakMap<ReadonlyMap<string, CompleteDataRisk>, boolean>();

/**
 * Whether runs of this schema version can score above 0 at all, so their alerts are worth looking
 * at after a write: only when one of its span types declares what scores (`mayScore`). Most
 * versions declare nothing that does; for their spans a write costs no look-up beyond the cached
 * declarations. Any span of a run that can score is looked at, as a profile assigned since the
 * run's last look may have put it at an alerting level.
 */
export function versionMayScore(tx: ReadTx, accountId: string, schemaVersionId: string): boolean | Promise<boolean> {
  // Every span write asks this: a version whose declarations are kept is answered at once, without a promise.
  const cached = cachedDeclarations(accountId, schemaVersionId);
  if (cached) return declarationsMayScore(cached);
  return declarationsOf(tx, accountId, schemaVersionId).then(declarationsMayScore);
}

function declarationsMayScore(declarations: ReadonlyMap<string, CompleteDataRisk>): boolean {
  let scores = scoringVersions.get(declarations);
  if (scores === undefined) {
    scores = [...declarations.values()].some(mayScore);
    scoringVersions.set(declarations, scores);
  }
  return scores;
}

/**
 * Profiles as last parsed, by account and id, with the stored texts they were parsed from: a
 * profile changes (its texts with it), so a read reuses the parse only while the texts are the same.
 */
const profileCache = new Map<string, { texts: string; profile: ScoringProfile }>();

/**
 * The agent's current profile, archived or not (an archived one still scores the agents assigned
 * it); null when it has none. One store read (the agent joined to its profile), as every score
 * of every span page with `include_risk_level` starts here.
 */
export async function profileOf(tx: ReadTx, accountId: string, agentId: string): Promise<ScoringProfile | null> {
  const stored = await tx.agentRiskProfile(accountId, agentId);
  if (!stored) return null;
  const key = `${accountId}\u0000${stored.id}`;
  const texts = `${stored.name}\u0000${stored.archived_at}\u0000${stored.categories_json}\u0000${stored.actions_json}\u0000${stored.thresholds_json}`;
  const cached = profileCache.get(key);
  if (cached?.texts === texts) return cached.profile;
  const profile: ScoringProfile = { ...storedSettings(stored), id: stored.id, name: stored.name, archived: stored.archived_at !== null };
  if (profileCache.size >= MAX_CACHED) profileCache.delete(profileCache.keys().next().value!);
  profileCache.set(key, { texts, profile });
  return profile;
}

/** One run's score and band; null when not assessed. */
export async function assessInstance(tx: ReadTx, instance: InstanceRecord): Promise<RiskAssessment | null> {
  const profile = await profileOf(tx, instance.account_id, instance.agent_id);
  if (profile === null) return null;
  const declarations = await declarationsOf(tx, instance.account_id, instance.schema_version_id);
  const counts = await tx.spanTypeCounts(instance.account_id, instance.id);
  return assessRun({ profile, declarations, counts });
}

/** Many runs' scores at once: their counts in one read, each agent's profile read once. */
export async function assessInstances(
  tx: ReadTx,
  accountId: string,
  instances: readonly InstanceRecord[],
): Promise<Map<string, RiskAssessment | null>> {
  const profiles = new Map<string, ScoringProfile | null>();
  for (const agentId of new Set(instances.map((instance) => instance.agent_id))) profiles.set(agentId, await profileOf(tx, accountId, agentId));
  const scored = instances.filter((instance) => profiles.get(instance.agent_id) !== null);
  const counts =
    scored.length === 0
      ? new Map<string, Map<string, number>>()
      : await tx.spanTypeCountsOf(
          accountId,
          scored.map((instance) => instance.id),
        );
  const out = new Map<string, RiskAssessment | null>();
  for (const instance of instances) {
    const profile = profiles.get(instance.agent_id) ?? null;
    if (profile === null) {
      out.set(instance.id, null);
      continue;
    }
    const declarations = await declarationsOf(tx, accountId, instance.schema_version_id);
    out.set(instance.id, assessRun({ profile, declarations, counts: counts.get(instance.id) ?? new Map() }));
  }
  return out;
}

/** GET /agent_instance/{id}/risk: the run's composition. */
export async function instanceComposition(tx: ReadTx, instance: InstanceRecord): Promise<InstanceRisk> {
  const profile = await profileOf(tx, instance.account_id, instance.agent_id);
  const declarations = await declarationsOf(tx, instance.account_id, instance.schema_version_id);
  const counts = await tx.spanTypeCounts(instance.account_id, instance.id);
  return runComposition(
    { profile, declarations, counts },
    { instanceId: instance.id, agentId: instance.agent_id, schemaVersionId: instance.schema_version_id },
  );
}
