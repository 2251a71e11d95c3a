import type { AgentInstance } from '@agentspan/protocol';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiFailure, api } from '../api.js';
import { versionLabel } from '../api/runs.js';
import { STATUS_ICON, isOpen, spanDuration, timeText } from '../format.js';
import { LevelBadge, num } from '../risk/vocabulary-labels.js';
import { Link } from '../router.js';
import type { InstanceContext } from './instance-context.js';
import { CostText, TokensText, UnpricedLinks } from '../cost.js';

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * The instance's strip: status (and who terminated it, why), version, environment, purpose, times,
 * counts, the risk score and level linked to the profile it was scored under, quality summaries,
 * and Terminate while it runs.
 */
export function InstanceStrip({
  instance,
  context,
  spanTotal,
  failed,
  now,
  onChange,
}: {
  instance: AgentInstance;
  context: InstanceContext;
  spanTotal: number;
  failed: number;
  now: number;
  onChange: (instance: AgentInstance) => void;
}) {
  const [terminating, setTerminating] = useState(false);
  const [reason, setReason] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const profileId = context.agent?.risk_profile_id ?? null;

  const terminate = async (event: Event) => {
    event.preventDefault();
    setActionError(null);
    try {
      onChange(await api.terminate(instance.id, reason.trim()));
      setTerminating(false);
    } catch (failure) {
      setActionError(failure instanceof ApiFailure ? failure.message : String(failure));
    }
  };
  const risk =
    instance.risk_level === null ? (
      <LevelBadge level={null} />
    ) : (
      <>
        {num(instance.risk_score ?? 0)} <LevelBadge level={instance.risk_level} />
      </>
    );
  const quality = Object.entries(instance.quality_summaries);

  return (
    <header class="instance-header">
      <h1>
        Agent instance <code>{instance.id}</code>
      </h1>
      <p class={`instance-status status-${instance.status}`} data-testid="instance-status">
        <span aria-hidden="true">{STATUS_ICON[instance.status]} </span>
        {instance.status}
        {instance.termination_reason ? `: ${instance.termination_reason}` : ''}
        {instance.terminated_by ? <span class="muted"> (by token {instance.terminated_by.token_id})</span> : null}
      </p>
      <dl class="instance-facts facts">
        <Fact term="Agent">
          <Link href={`/agents/${encodeURIComponent(instance.agent_id)}`}>{context.agent?.name ?? instance.agent_id}</Link>
        </Fact>
        <Fact term="Version">{versionLabel(context.version ?? undefined, instance.agent_version_id)}</Fact>
        <Fact term="Environment">{context.environment?.name ?? instance.environment_id}</Fact>
        <Fact term="Purpose">{instance.purpose}</Fact>
        <Fact term="Risk">
          {profileId ? (
            <Link href={`/risk-profiles/${encodeURIComponent(profileId)}`}>
              <span data-testid="instance-risk">{risk}</span>
            </Link>
          ) : (
            <span data-testid="instance-risk">{risk}</span>
          )}
        </Fact>
        <Fact term="Started">{timeText(instance.started_at)}</Fact>
        <Fact term="Finished">{timeText(instance.finished_at)}</Fact>
        <Fact term="Duration">{spanDuration(instance.started_at, instance.finished_at, now)}</Fact>
        <Fact term="Spans">{spanTotal}</Fact>
        <Fact term="Failed">{failed}</Fact>
        <Fact term="Tokens">
          <TokensText usage={instance.usage} />
        </Fact>
        <Fact term="Cost">
          <span data-testid="instance-cost">
            <CostText of={instance} />
          </span>
          {instance.unpriced_models.length ? <UnpricedLinks models={instance.unpriced_models} /> : null}
        </Fact>
        {quality.map(([name, summary]) => (
          <Fact key={name} term={`Quality: ${name}`}>
            {summary}
          </Fact>
        ))}
      </dl>
      {isOpen(instance.status) ? (
        terminating ? (
          <form class="terminate" onSubmit={(e) => void terminate(e)}>
            <label for="reason">Reason</label>
            <input id="reason" value={reason} required onInput={(e) => setReason(e.currentTarget.value)} />
            <button type="submit" class="danger">
              Terminate now
            </button>
            <button type="button" onClick={() => setTerminating(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <div>
            <button type="button" class="danger" onClick={() => setTerminating(true)}>
              Terminate
            </button>
          </div>
        )
      ) : null}
      {actionError ? (
        <p class="error" role="alert">
          {actionError}
        </p>
      ) : null}
    </header>
  );
}
