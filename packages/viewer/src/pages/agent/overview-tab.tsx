import type { RiskRollupSide } from '@agentspan/protocol';
import type { ComponentChild } from 'preact';
import type { AgentContext } from './agent-context.js';

const words = (name: string) => name.replace(/^gdpr_/, 'GDPR ').replaceAll('_', ' ');
const list = (items: readonly string[], name: (item: string) => string = words) =>
  items.length === 0 ? <span class="muted">none</span> : items.map(name).join(', ');
const asIs = (item: string) => item;

/** One row of the side-by-side rollup: what the declarations say against what the runs used. */
const ROWS: ReadonlyArray<[string, (side: RiskRollupSide) => ComponentChild]> = [
  ['Span types', (s) => s.total_span_types],
  ['With risk data', (s) => list(s.span_types_with_risk_data, asIs)],
  ['Without risk data', (s) => list(s.span_types_without_risk_data, asIs)],
  ['Highest classification', (s) => s.highest_classification ?? <span class="muted">none declared</span>],
  ['Categories included', (s) => list(s.categories_included)],
  ['Communicate externally', (s) => list(s.external_communication_span_types, asIs)],
];

/** Overview: declared capabilities against the agreed risk (each exceedance named), theoretical against observed. */
export function OverviewTab({ agent }: AgentContext) {
  const rollup = agent.risk_rollup;
  const exceedances = agent.exceedances;
  return (
    <div class="overview">
      <section class="panel" aria-labelledby="exceedances-title">
        <h2 id="exceedances-title">Declared against agreed risk</h2>
        {exceedances === null || exceedances === undefined ? (
          <p class="muted">No risk profile is assigned: there is no agreed risk to compare the declarations with. Edit the agent to assign one.</p>
        ) : exceedances.length === 0 ? (
          <p data-testid="no-exceedances">Every declared category and action is within the agreed risk.</p>
        ) : (
          <table class="data" data-testid="exceedances">
            <caption class="visually-hidden">Declarations beyond the agreed risk</caption>
            <thead>
              <tr>
                <th scope="col">Span type</th>
                <th scope="col">Kind</th>
                <th scope="col">Beyond the profile</th>
              </tr>
            </thead>
            <tbody>
              {exceedances.map((e) => (
                <tr key={`${e.span_type}-${e.kind}-${e.name}`}>
                  <td>
                    <code>{e.span_type}</code>
                  </td>
                  <td>{e.kind}</td>
                  <td class="error">{words(e.name)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="panel" aria-labelledby="rollup-title">
        <h2 id="rollup-title">Theoretical and observed risk</h2>
        {rollup ? (
          <table class="data rollup" data-testid="rollup">
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">Theoretical (declared)</th>
                <th scope="col">Observed (in runs)</th>
              </tr>
            </thead>
            <tbody>
              {ROWS.map(([label, read]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td>{read(rollup.theoretical)}</td>
                  <td>{read(rollup.observed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">This server does not answer a risk rollup.</p>
        )}
      </section>
    </div>
  );
}
