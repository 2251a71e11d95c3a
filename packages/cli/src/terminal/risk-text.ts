import type { InstanceRisk, RiskContribution } from '@agentspan/protocol';
import { alignedTable } from './text-table.js';

/** A score as a person reads it: whole numbers as they are, others to two decimals at most. */
export const scoreText = (score: number) => String(Math.round(score * 100) / 100);

/** A run's risk in one cell: `high 47`, or `—` when it was not assessed. */
export const riskCell = (run: { risk_score: number | null; risk_level: string | null }) =>
  run.risk_score === null || run.risk_level === null ? '—' : `${run.risk_level} ${scoreText(run.risk_score)}`;

const percent = (share: number) => `${Math.round(share * 100)}%`;
const listText = (names: readonly string[]) => (names.length === 0 ? '-' : names.join(', '));
const spans = (n: number) => `${n} ${n === 1 ? 'span' : 'spans'}`;

function profileLines(risk: InstanceRisk): string[] {
  const profile = risk.profile;
  if (profile === null) return ['profile: none'];
  const { medium, high, critical } = profile.thresholds;
  return [
    `profile: ${profile.name} (${profile.id})${profile.archived ? ', archived' : ''}`,
    `thresholds: medium ${scoreText(medium)} / high ${scoreText(high)} / critical ${scoreText(critical)}`,
  ];
}

/** Why a run has no score: what its agent or its span types lack, and what would give it one. */
function notAssessedReason(risk: InstanceRisk): string {
  if (risk.profile === null) {
    return `not assessed: agent ${risk.agent_id} has no risk profile (agentspan agents update ${risk.agent_id} --risk-profile <profile-id> assigns one)`;
  }
  return `not assessed: none of the run's ${spans(risk.span_count)} is of a span type that declares data risk in its schema version ${risk.schema_version_id}`;
}

const contributionRow = (type: RiskContribution) => [
  type.span_type,
  String(type.span_count),
  percent(type.share),
  scoreText(type.score_per_span),
  scoreText(type.points),
  listText(type.categories),
  listText(type.actions),
];

/**
 * GET /agent_instance/{id}/risk as text: the profile, one line per span type that declares data
 * risk, then the total, which is the run's score, and its level. The points are the server's, so
 * the total printed is its `risk_score`, not a sum made here.
 */
export function renderInstanceRisk(risk: InstanceRisk): string {
  const lines = [`agent instance ${risk.agent_instance_id} (agent ${risk.agent_id})`, ...profileLines(risk)];
  if (!risk.assessed || risk.risk_score === null || risk.risk_level === null) return [...lines, notAssessedReason(risk)].join('\n');
  const rows = [['SPAN TYPE', 'SPANS', 'SHARE', 'PER SPAN', 'POINTS', 'CATEGORIES', 'ACTIONS'], ...risk.span_types.map(contributionRow)];
  lines.push(
    `spans: ${risk.span_count}, ${risk.undeclared_span_count} of types declaring no data risk (they count nothing)`,
    '',
    alignedTable(rows),
    '',
  );
  lines.push(`total: ${scoreText(risk.risk_score)} (${risk.risk_level})`);
  return lines.join('\n');
}
