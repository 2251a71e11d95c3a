import { SINGLE_QUALITY_NAME, type RecordQualityBody } from '@agentspan/protocol';
import { fieldError, validationError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { schemaErrors } from '../span-types.js';
import { renderSummary } from '../summary-template.js';
import { instanceAnswer, lockInstance } from './instance-access.js';

/** `object[name] = value` as an own property, also for `__proto__` (which plain assignment would take as the prototype). */
const setOwn = (object: object, name: string, value: unknown) =>
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });

export type RecordQualityParams = RecordQualityBody & { agent_instance_id: string };

/** The record a body names and its payload: `{name, payload}` (0.4) or `{quality_payload}` (0.3, the name `quality`). */
function namedRecord(params: RecordQualityParams): { name: string; payload: Record<string, unknown> | null; field: 'payload' | 'quality_payload' } {
  if (params.quality_payload !== undefined) {
    if (params.name !== undefined || params.payload !== undefined) {
      throw fieldError('quality_payload', 'cannot be sent with name or payload; send either {quality_payload} or {name, payload}');
    }
    return { name: SINGLE_QUALITY_NAME, payload: params.quality_payload, field: 'quality_payload' };
  }
  if (params.name === undefined) throw fieldError('name', 'is required: the quality schema to record (or send {quality_payload} alone)');
  if (params.payload === undefined) throw fieldError('payload', 'is required: the quality payload, or null to remove the record');
  return { name: params.name, payload: params.payload, field: 'payload' };
}

/** POST /agent_instance/{id}/record_quality: sets one named quality payload; a null payload removes it. */
export const recordQuality = defineOperation<RecordQualityParams>('agent_instances/record_quality', (params, { caller, catalogs }) => {
  const { name, payload, field } = namedRecord(params);
  return async (tx) => {
    const instance = await lockInstance(tx, caller, params.agent_instance_id);
    const payloads = JSON.parse(instance.quality_payloads_json) as Record<string, unknown>;
    const summaries = JSON.parse(instance.quality_summaries_json) as Record<string, string>;
    if (payload === null) {
      delete payloads[name];
      delete summaries[name];
    } else {
      const { qualityTypes } = await catalogs.get(tx, caller.accountId, instance.schema_version_id);
      const quality = qualityTypes.get(name);
      if (qualityTypes.size > 0 && !quality) {
        const declared = [...qualityTypes.keys()].join(', ');
        throw field === 'payload'
          ? fieldError('name', `is not a quality schema of this instance's schema version; declared: ${declared}`)
          : fieldError(field, `records the quality schema "${name}", which this instance's schema version does not declare; declared: ${declared}`);
      }
      const errors = schemaErrors(quality?.validateParams, payload, field);
      if (errors) throw validationError(errors);
      setOwn(payloads, name, payload);
      const summary = quality?.template ? renderSummary([quality.template], payload) : null;
      if (summary !== null) setOwn(summaries, name, summary);
      else delete summaries[name];
    }
    const updated = {
      ...instance,
      quality_payloads_json: JSON.stringify(payloads),
      quality_summaries_json: JSON.stringify(summaries),
      updated_at: caller.now,
    };
    await tx.updateInstance(updated);
    return instanceAnswer(tx, updated);
  };
});
