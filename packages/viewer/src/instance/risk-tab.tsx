import type { InstanceRisk, RiskContribution } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { runs } from '../api/runs.js';
import { LevelBadge, categoryLabel, num } from '../risk/vocabulary-labels.js';
import { Link } from '../router.js';

const percent = (share: number) => `${num(share * 100)} %`;

/** Why a run has no score, in the reader's terms, and what would give it one. */
function NotAssessed({ risk, agentId }: { risk: InstanceRisk; agentId: string }) {
  return (
    <section class="card" aria-labelledby="not-assessed">
      <h2 id="not-assessed">Not assessed</h2>
      {risk.profile === null ? (
        <p>
          This run's agent has no risk profile, so there is no weighting to score it by. Assign a profile on the{' '}
          <Link href={`/agents/${encodeURIComponent(agentId)}`}>agent's page</Link> (or create one under{' '}
          <Link href="/risk-profiles">Risk profiles</Link>); its runs are then scored on read, this one included.
        </p>
      ) : (
        <p>
          None of this run's {risk.span_count} spans is of a span type that declares data risk (<code>data_risk</code> in its schema version), so
          profile <Link href={`/risk-profiles/${encodeURIComponent(risk.profile.id)}`}>{risk.profile.name}</Link> has nothing to weigh. Declare the
          categories and actions each span type touches in the agent's schema to have its runs scored.
        </p>
      )}
    </section>
  );
}

/** `(8 + 4) × (1)`: how one span type's score per span is made from the profile's weights and multipliers. */
function Formula({ row, risk }: { row: RiskContribution; risk: InstanceRisk }) {
  const weights = row.categories.map((c) => risk.profile?.categories.find((x) => x.category === c)?.weight ?? 0);
  const multipliers = row.actions.map((a) => risk.profile?.actions.find((x) => x.action === a)?.multiplier ?? 0);
  if (weights.length === 0 || multipliers.length === 0) return <span class="muted">no included category and action: 0</span>;
  return (
    <span>
      ({weights.map(num).join(' + ')}) × ({multipliers.map(num).join(' + ')}) = {num(row.score_per_span)}
    </span>
  );
}

/**
 * `/instances/<id>/risk`: how the run's score is made, span type by span type, under the profile's
 * weights, multipliers and thresholds, with a sum that reconciles to the score.
 */
export function RiskTab({ instanceId, agentId }: { instanceId: string; agentId: string }) {
  const [risk, setRisk] = useState<InstanceRisk | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    runs.risk(instanceId).then(
      (found) => !stale && setRisk(found),
      (failure: unknown) => !stale && setError(failure instanceof ApiFailure ? failure.message : String(failure)),
    );
    return () => {
      stale = true;
    };
  }, [instanceId]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!risk) return <p class="muted">Loading the risk composition…</p>;
  if (!risk.assessed || risk.risk_score === null) return <NotAssessed risk={risk} agentId={agentId} />;

  const profile = risk.profile!;
  const sum = risk.span_types.reduce((total, row) => total + row.points, 0);
  return (
    <div class="risk-tab">
      <section class="card" aria-labelledby="risk-summary">
        <h2 id="risk-summary">
          Score <span data-testid="risk-score">{num(risk.risk_score)}</span> <LevelBadge level={risk.risk_level} />
        </h2>
        <p>
          Scored on read under profile <Link href={`/risk-profiles/${encodeURIComponent(profile.id)}`}>{profile.name}</Link>
          {profile.archived ? ' (archived)' : ''}, against this run's own schema version. Levels:{' '}
          <span data-testid="risk-thresholds">
            low below {num(profile.thresholds.medium)}, medium from {num(profile.thresholds.medium)}, high from {num(profile.thresholds.high)},
            critical from {num(profile.thresholds.critical)}
          </span>
          .
        </p>
      </section>
      <table class="grid risk-composition">
        <caption class="muted">
          Each span type's points are its spans × its score per span; a score per span is (Σ weights of the categories) × (Σ multipliers of the
          actions) that the type declares and the profile includes.
        </caption>
        <thead>
          <tr>
            <th scope="col">Span type</th>
            <th scope="col" class="num">
              Spans
            </th>
            <th scope="col" class="num">
              Share
            </th>
            <th scope="col">Categories</th>
            <th scope="col">Actions</th>
            <th scope="col">Score per span</th>
            <th scope="col" class="num">
              Points
            </th>
          </tr>
        </thead>
        <tbody>
          {risk.span_types.map((row) => (
            <tr key={row.span_type} data-span-type={row.span_type}>
              <th scope="row">
                <code>{row.span_type}</code>
              </th>
              <td class="num">{row.span_count}</td>
              <td class="num">{percent(row.share)}</td>
              <td>{row.categories.length === 0 ? <span class="muted">none</span> : row.categories.map(categoryLabel).join(', ')}</td>
              <td>{row.actions.length === 0 ? <span class="muted">none</span> : row.actions.map(categoryLabel).join(', ')}</td>
              <td>
                <Formula row={row} risk={risk} />
              </td>
              <td class="num">{num(row.points)}</td>
            </tr>
          ))}
          {risk.undeclared_span_count > 0 ? (
            <tr class="muted">
              <th scope="row">Span types declaring no data risk</th>
              <td class="num">{risk.undeclared_span_count}</td>
              <td class="num">{percent(risk.span_count === 0 ? 0 : risk.undeclared_span_count / risk.span_count)}</td>
              <td colSpan={3}>count nothing</td>
              <td class="num">0</td>
            </tr>
          ) : null}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td class="num">{risk.span_count}</td>
            <td class="num">{risk.span_count > 0 ? '100 %' : '–'}</td>
            <td colSpan={3}>Σ points = score</td>
            <td class="num" data-testid="risk-sum">
              {num(sum)}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
