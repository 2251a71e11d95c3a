import type { AgentSchemaVersion, AgentSchemaVersionSpanType, SchemaValidation } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { failureText } from '../../api/agents.js';
import { agentTabsApi } from '../../api/deployments.js';
import { timeText } from '../../format.js';
import { JsonView } from '../../json-view.js';
import type { AgentContext } from './agent-context.js';

type Declared = Record<string, string | undefined>;
interface DataRisk {
  action_profile?: Declared;
  params_data_categories?: Declared;
  result_data_categories?: Declared;
}

const words = (name: string) => name.replace(/^gdpr_/, 'GDPR ').replaceAll('_', ' ');
const withValue = (declared: Declared | undefined, value: string) =>
  Object.entries(declared ?? {})
    .filter(([name, v]) => name !== 'classification' && v === value)
    .map(([name]) => words(name));

/** What a span type declares it touches: classification in and out, categories, actions. */
function RiskCard({ dataRisk }: { dataRisk: DataRisk | null }) {
  if (!dataRisk) return <p class="muted risk-card">No data risk declared.</p>;
  const inCategories = withValue(dataRisk.params_data_categories, 'included');
  const outCategories = withValue(dataRisk.result_data_categories, 'included');
  const allowed = withValue(dataRisk.action_profile, 'allowed');
  const disallowed = withValue(dataRisk.action_profile, 'disallowed');
  const show = (items: string[]) => (items.length ? items.join(', ') : <span class="muted">none</span>);
  return (
    <dl class="risk-card" data-testid="risk-card">
      <div>
        <dt>Classification in</dt>
        <dd>{dataRisk.params_data_categories?.classification ?? 'unknown'}</dd>
      </div>
      <div>
        <dt>Classification out</dt>
        <dd>{dataRisk.result_data_categories?.classification ?? 'unknown'}</dd>
      </div>
      <div>
        <dt>Categories in</dt>
        <dd>{show(inCategories)}</dd>
      </div>
      <div>
        <dt>Categories out</dt>
        <dd>{show(outCategories)}</dd>
      </div>
      <div>
        <dt>Actions allowed</dt>
        <dd>{show(allowed)}</dd>
      </div>
      <div>
        <dt>Actions disallowed</dt>
        <dd>{show(disallowed)}</dd>
      </div>
    </dl>
  );
}

function Validity({ validation }: { validation: SchemaValidation }) {
  return validation.status === 'valid' ? (
    <span class="valid">✓ Valid</span>
  ) : (
    <span class="error">✗ Invalid: {validation.message ?? 'the schema does not compile'}</span>
  );
}

function SpanType({ spanType }: { spanType: AgentSchemaVersionSpanType }) {
  return (
    <article class="span-type panel" data-span-type={spanType.name}>
      <h3>
        {spanType.title ?? spanType.name} <code class="muted">{spanType.name}</code>
      </h3>
      {spanType.description ? <p>{spanType.description}</p> : null}
      <RiskCard dataRisk={spanType.data_risk} />
      <p>
        Template: {spanType.template ? <code>{spanType.template}</code> : <span class="muted">none</span>}
        {spanType.result_template ? (
          <>
            {' '}
            · result: <code>{spanType.result_template}</code>
          </>
        ) : null}
      </p>
      <div class="schemas">
        <div>
          <p class="validity">
            Params schema: <Validity validation={spanType.params_schema_validation} />
          </p>
          <JsonView title="Params schema" value={spanType.params_schema} />
        </div>
        <div>
          <p class="validity">
            Result schema: <Validity validation={spanType.result_schema_validation} />
          </p>
          {spanType.result_schema ? (
            <JsonView title="Result schema" value={spanType.result_schema} />
          ) : (
            <p class="muted">No result schema: any result goes.</p>
          )}
        </div>
      </div>
    </article>
  );
}

/** Activity schema: the schema versions, newest first; per span type its title, risk card, template and schemas. */
export function SchemaTab({ agent }: AgentContext) {
  const [schemas, setSchemas] = useState<AgentSchemaVersion[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    agentTabsApi.schemaVersions(agent.id).then(
      (found) => {
        setSchemas(found);
        setChosen((c) => c || (found[0]?.id ?? ''));
      },
      (failure: unknown) => setError(failureText(failure)),
    );
  }, [agent.id]);
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (schemas === null) return <p class="muted">Loading…</p>;
  if (schemas.length === 0) return <p class="muted">No schema versions yet: one is registered with the agent's first instance.</p>;
  const schema = schemas.find((s) => s.id === chosen) ?? schemas[0]!;
  return (
    <div class="schema-tab">
      <label class="inline">
        Schema version{' '}
        <select value={schema.id} onChange={(e) => setChosen(e.currentTarget.value)}>
          {schemas.map((s) => (
            <option key={s.id} value={s.id}>
              {s.external_identifier ?? s.id} ({timeText(s.inserted_at)})
            </option>
          ))}
        </select>
      </label>
      {Object.values(schema.span_type_schemas).map((t) => (
        <SpanType key={t.name} spanType={t} />
      ))}
    </div>
  );
}
