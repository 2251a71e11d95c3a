import type { BulkItem, FinishStatus } from '@agentspan/client';
import { contentDigest } from './ids.js';
import type { ResolvedTracerOptions, SpanTypeDefinition } from './options.js';

/** The bulk items of the instance's own life: register and start with the first span, finish at shutdown. */
export function registerItems(instanceId: string, options: ResolvedTracerOptions, spanTypes: readonly SpanTypeDefinition[]): BulkItem[] {
  return [
    {
      _type: 'agent_instances/register',
      idempotency_key: `${instanceId}.register`,
      id: instanceId,
      agent_id: options.agentId,
      environment_id: options.environmentId,
      agent_version: { name: options.agent.name, external_identifier: options.agent.version },
      // Named by content, so that changed span types make a new schema version instead of reusing the old one.
      agent_schema_version: {
        external_identifier: `${options.agent.name}@${options.agent.version}/${contentDigest(JSON.stringify(spanTypes))}`,
        ...(spanTypes.length > 0 ? { span_type_schemas: spanTypes.map(wireSpanType) } : {}),
      },
      update_current_version: true,
    },
    {
      _type: 'agent_instances/start',
      idempotency_key: `${instanceId}.start`,
      agent_instance_id: instanceId,
      timestamp: new Date().toISOString(),
    },
  ];
}

export function finishItem(instanceId: string, status: FinishStatus): BulkItem {
  return {
    _type: 'agent_instances/finish',
    idempotency_key: `${instanceId}.finish`,
    agent_instance_id: instanceId,
    status,
    timestamp: new Date().toISOString(),
  };
}

/** A span type as the schema version carries it: `dataRisk` goes as `data_risk`. */
function wireSpanType({ dataRisk, ...type }: SpanTypeDefinition): Record<string, unknown> {
  return dataRisk === undefined ? type : { ...type, data_risk: dataRisk };
}
