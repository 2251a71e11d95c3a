import type { RiskDistribution } from '@agentspan/protocol';
import { Link } from './router.js';

const LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/**
 * Runs by risk level as words and numbers (a bar beside them only repeats it); with `runsHref`
 * each scored level links to those runs.
 */
export function RiskDistributionView({
  distribution,
  runsHref,
}: {
  distribution: RiskDistribution | undefined;
  runsHref?: (level: string) => string;
}) {
  if (!distribution) return <span class="muted">–</span>;
  const total = LEVELS.reduce((sum, l) => sum + distribution[l], distribution.not_assessed);
  return (
    <span class="risk-distribution" data-testid="risk-distribution">
      <span class="risk-bar" aria-hidden="true">
        {[...LEVELS, 'not_assessed' as const].map((l) =>
          distribution[l] > 0 ? <span key={l} class={`risk-${l}`} style={{ flexGrow: distribution[l] }} /> : null,
        )}
      </span>
      {total === 0 ? (
        <span class="muted">no runs</span>
      ) : (
        <span class="risk-levels">
          {LEVELS.map((l) => (
            <span key={l} class={`risk-level risk-text-${l}`}>
              {runsHref && distribution[l] > 0 ? <Link href={runsHref(l)}>{`${l} ${distribution[l]}`}</Link> : `${l} ${distribution[l]}`}
            </span>
          ))}
          <span class="risk-level muted">not assessed {distribution.not_assessed}</span>
        </span>
      )}
      {distribution.truncated ? <span class="muted"> (the latest {distribution.runs_scored} runs)</span> : null}
    </span>
  );
}
