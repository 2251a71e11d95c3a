import type { AgentInstance } from '@agentspan/protocol';
import type { ComponentChildren } from 'preact';
import { versionLabel } from '../api/runs.js';
import { setEnvironmentId } from '../environment-scope.js';
import { timeText } from '../format.js';
import { JsonView } from '../json-view.js';
import { Link, navigate } from '../router.js';
import type { InstanceContext } from './instance-context.js';

/** `/instances/<id>/details`: what the run is tied to (the audit trail), its timestamps, its quality payloads. */
export function DetailsTab({ instance, context }: { instance: AgentInstance; context: InstanceContext }) {
  const agentHref = `/agents/${encodeURIComponent(instance.agent_id)}`;
  const rows: Array<[string, ComponentChildren]> = [
    ['Agent', <Link href={agentHref}>{context.agent?.name ?? instance.agent_id}</Link>],
    ['Agent id', <code>{instance.agent_id}</code>],
    ['Version', versionLabel(context.version ?? undefined, instance.agent_version_id)],
    ['Version id', <code>{instance.agent_version_id}</code>],
    ['Version identifier', context.version?.external_identifier ?? '–'],
    ['Schema version', <Link href={`${agentHref}/schema`}>{instance.agent_schema_version_id}</Link>],
    [
      'Environment',
      <a
        href="/instances"
        onClick={(event) => {
          event.preventDefault();
          setEnvironmentId(instance.environment_id);
          navigate('/instances');
        }}
      >
        {context.environment ? `${context.environment.name} (${context.environment.purpose})` : instance.environment_id}: its runs
      </a>,
    ],
    ['Environment id', <code>{instance.environment_id}</code>],
    ['Deployment', <code>{instance.agent_deployment_id}</code>],
    ['Purpose', instance.purpose],
    ['Registered', timeText(instance.inserted_at)],
    ['Started', timeText(instance.started_at)],
    ['Finished', timeText(instance.finished_at)],
    ['Updated', timeText(instance.updated_at)],
    ['Terminated by', instance.terminated_by ? <code>token {instance.terminated_by.token_id}</code> : '–'],
    ['Termination reason', instance.termination_reason ?? '–'],
  ];
  const quality = Object.entries(instance.quality_payloads);
  return (
    <div class="details-tab">
      <section class="card" aria-labelledby="details-trail">
        <h2 id="details-trail">What produced this run</h2>
        <dl class="details-list">
          {rows.map(([term, value]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section class="card" aria-labelledby="details-quality">
        <h2 id="details-quality">Quality</h2>
        {quality.length === 0 ? (
          <p class="muted">No quality payload recorded for this run.</p>
        ) : (
          quality.map(([name, payload]) => (
            <div key={name}>
              {instance.quality_summaries[name] ? <p>{instance.quality_summaries[name]}</p> : null}
              <JsonView title={name} value={payload} />
            </div>
          ))
        )}
      </section>
    </div>
  );
}
