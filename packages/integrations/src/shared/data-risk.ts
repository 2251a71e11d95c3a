import { dataRiskProblems, type DataRiskDeclaration, type SpanTypeDefinition } from '@agentspan/tracer';
import { IntegrationConfigError } from './capture.js';

// Default declarations are this project's reading of what each kind of span does on its own;
// README.md ("Declared data risk") gives the reasoning. A user knows their data and overrides them.

/**
 * A model call sends the prompt (messages, tool results) to the model provider, a third party,
 * and reads back its answer: it communicates externally and reads data. It creates, changes,
 * destroys or pays for nothing itself: the tool calls it asks for are spans of their own. What
 * the prompt carries is the application's, so classification and categories stay unknown.
 */
export const MODEL_CALL_DATA_RISK: DataRiskDeclaration = Object.freeze({
  action_profile: Object.freeze({
    create_data: 'disallowed',
    read_data: 'allowed',
    update_data: 'disallowed',
    destroy_data: 'disallowed',
    financial_transactions: 'disallowed',
    external_communication: 'allowed',
  }),
});

/**
 * An agent run only groups the model and tool calls beneath it, which declare (or leave unknown)
 * what they do: the run's own span performs no action, so none is counted twice.
 */
export const AGENT_RUN_DATA_RISK: DataRiskDeclaration = Object.freeze({
  action_profile: Object.freeze({
    create_data: 'disallowed',
    read_data: 'disallowed',
    update_data: 'disallowed',
    destroy_data: 'disallowed',
    financial_transactions: 'disallowed',
    external_communication: 'disallowed',
  }),
});

/**
 * Per span type name: the declaration to send instead of the default, or null to send none.
 * A tool call has no default (a tool may do anything): declare yours here.
 */
export type DataRiskOverrides = Readonly<Record<string, DataRiskDeclaration | null>>;

/** The integration's span types with the user's declarations in place of the defaults; `call` names the integration in errors. */
export function withDataRisk(call: string, types: readonly SpanTypeDefinition[], overrides: DataRiskOverrides | undefined): SpanTypeDefinition[] {
  if (overrides === undefined) return [...types];
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new IntegrationConfigError(`${call}: dataRisk must be an object of declarations by span type name, such as { "${types[0]!.name}": { … } }`);
  }
  const names = types.map((type) => type.name);
  for (const [name, declared] of Object.entries(overrides)) {
    if (!names.includes(name)) {
      throw new IntegrationConfigError(
        `${call}: dataRisk names "${name}", which is not a span type of this integration; its span types: ${names.join(', ')}`,
      );
    }
    const [problem] = declared === null ? [] : dataRiskProblems(declared);
    if (problem) throw new IntegrationConfigError(`${call}: dataRisk["${name}"]${problem.path ? `.${problem.path}` : ''} ${problem.message}`);
  }
  return types.map((type) => {
    if (!Object.hasOwn(overrides, type.name)) return type;
    const { dataRisk: _default, ...rest } = type;
    const declared = overrides[type.name];
    return declared === null || declared === undefined ? rest : { ...rest, dataRisk: declared };
  });
}

/** The option every integration takes, as its options interface states it. */
export interface DataRiskOption {
  /**
   * Declarations by span type name that replace this integration's defaults (null: declare
   * nothing for that type). See the README's "Declared data risk" for the defaults.
   */
  dataRisk?: DataRiskOverrides;
}
