import type { RecordQualityBody } from '@agentspan/protocol';
import { fieldError, validationError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { schemaErrors } from '../span-types.js';
import { renderSummary } from '../summary-template.js';
import { instanceAnswer, lockInstance } from './instance-access.js';

/** `object[name] = value` as an own property, also for `__proto__` (which plain assignment would take as the prototype). */
const setOwn = (object: object, name: string, value: unknown) =>
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });

export type RecordQualityParams = RecordQualityBody & { agent_instance_id: string };

/** POST /agent_instance/{id}/record_quality: sets one named quality payload; a null payload removes it. */
export const recordQuality = defineOperation<RecordQualityParams>('agent_instances/record_quality', (params, { caller, catalogs }) => {
  return async (tx) => {
    const instance = await lockInstance(tx, caller, params.agent_instance_id);
    const payloads = JSON.parse(instance.quality_payloads_json) as Record<string, unknown>;
    const summaries = JSON.parse(instance.quality_summaries_json) as Record<string, string>;
    if (params.payload === null) {
      delete payloads[params.name];
      delete summaries[params.name];
    } else {
      const { qualityTypes } = await catalogs.get(tx, caller.accountId, instance.schema_version_id);
      const quality = qualityTypes.get(params.name);
      if (qualityTypes.size > 0 && !quality) {
        throw fieldError('name', `is not a quality schema of this instance's schema version; declared: ${[...qualityTypes.keys()].join(', ')}`);
      }
      const errors = schemaErrors(quality?.validateParams, params.payload, 'payload');
      if (errors) throw validationError(errors);
      setOwn(payloads, params.name, params.payload);
      const summary = quality?.template ? renderSummary([quality.template], params.payload) : null;
      if (summary !== null) setOwn(summaries, params.name, summary);
      else delete summaries[params.name];
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
