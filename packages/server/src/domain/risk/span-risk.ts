// `include_risk_level=true` on span reads: each span carries its type's score under the agent's
// current profile and that score's band, as the open dashboard reads them.
import type { InstanceRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import { declarationsOf, profileOf } from './run-risk.js';
import { riskLevel, spanTypeScore, type RiskAssessment, type ScoringProfile } from './score.js';

/** What a span read needs to know of the span. */
interface SpanOfRun {
  agent_id: string;
  agent_instance_id: string;
  schema_name: string;
}

/**
 * A scorer for the spans of one read: each agent's profile, and each instance's schema version,
 * read once however many spans share them. A span scores null when its agent has no profile or
 * its type declares no data risk.
 */
export function spanRiskScorer(tx: ReadTx, accountId: string, known?: InstanceRecord): (span: SpanOfRun) => Promise<RiskAssessment | null> {
  const profiles = new Map<string, Promise<ScoringProfile | null>>();
  const schemaVersions = new Map<string, Promise<string | undefined>>();
  // The list read its instance already: one read fewer per page.
  if (known) schemaVersions.set(known.id, Promise.resolve(known.schema_version_id));
  const remembered = <V>(cache: Map<string, Promise<V>>, key: string, read: () => Promise<V>): Promise<V> => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = read()));
    return value;
  };
  const score = async (span: SpanOfRun): Promise<RiskAssessment | null> => {
    const profile = await remembered(profiles, span.agent_id, () => profileOf(tx, accountId, span.agent_id));
    if (profile === null) return null;
    const schemaVersionId = await remembered(schemaVersions, span.agent_instance_id, async () => {
      return (await tx.getInstance(accountId, span.agent_instance_id))?.schema_version_id;
    });
    if (schemaVersionId === undefined) return null;
    const declared = (await declarationsOf(tx, accountId, schemaVersionId)).get(span.schema_name);
    if (declared === undefined) return null;
    const { score } = spanTypeScore(profile, declared);
    return { score, level: riskLevel(score, profile.thresholds) };
  };
  return score;
}

/** Spans of one type of one run score alike. */
const scoreKey = (span: SpanOfRun) => `${span.agent_id}\u0000${span.agent_instance_id}\u0000${span.schema_name}`;

/** A span's `risk_score` and `risk_level` members, as the span's JSON ends with them. */
const riskMembers = (risk: RiskAssessment | null): string =>
  `,"risk_score":${risk === null ? 'null' : risk.score},"risk_level":${risk === null ? 'null' : `"${risk.level}"`}`;

/**
 * Each span's `risk_score` and `risk_level` members, in the spans' order; scored one after another
 * (one read at a time on the transaction), each distinct (run, type) once.
 */
export async function spanRiskMembers(tx: ReadTx, accountId: string, spans: readonly SpanOfRun[], known?: InstanceRecord): Promise<string[]> {
  const score = spanRiskScorer(tx, accountId, known);
  const members = new Map<string, string>();
  const keys = spans.map(scoreKey);
  for (const [index, key] of keys.entries()) {
    if (!members.has(key)) members.set(key, riskMembers(await score(spans[index]!)));
  }
  return keys.map((key) => members.get(key)!);
}
