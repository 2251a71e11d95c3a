import type { FinishSpanBody } from '@agentspan/protocol';
import { fieldError, notFound } from '../errors.js';
import { defineOperation } from '../operation.js';
import { assertOpen, DEFAULT_FINISH_STATUS } from '../status-machine.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { successJson } from '../views/envelope.js';
import { spanJson, spanResource } from '../views/span-view.js';
import { assertPayloads, assertPayloadSizes, controlFor, hasSummary, spanTypeOf, summaryOf } from './span-rules.js';
import { closedByTerminate } from './terminated-spans.js';

export type FinishSpanParams = FinishSpanBody & { agent_span_id: string };

/**
 * POST /agent_spans/{id}/finish: an open span takes its finish status; exactly one finish wins. A
 * span its run's terminate closed is answered as the terminate left it, with the control block.
 */
export const finishSpan = defineOperation<FinishSpanParams>('agent_spans/finish', (params, { caller, catalogs, limits }) => {
  const given = parseOptionalTimestamp(params.timestamp, 'timestamp');
  return async (tx) => {
    const span = await tx.lockSpan(caller.accountId, params.agent_span_id);
    if (!span) throw notFound('agent span', params.agent_span_id);
    const instance = await tx.getInstance(caller.accountId, span.agent_instance_id);
    if (!instance) throw new Error(`agent instance ${span.agent_instance_id} of span ${span.id} is missing`);
    if (closedByTerminate(span, instance)) return { status: 200, json: successJson(spanJson(span), controlFor(instance)) };
    assertOpen(span.status, `agent span ${span.id}`, 'finish');
    let finishedAt = given ?? caller.now;
    if (finishedAt < span.started_at) {
      if (given) throw fieldError('timestamp', `must not be before the span's started_at (${span.started_at})`);
      finishedAt = span.started_at;
    }
    const type = spanTypeOf(await catalogs.get(tx, caller.accountId, instance.schema_version_id), span.schema_name);
    assertPayloads(type, undefined, params.result_payload);
    const resultJson = params.result_payload == null ? span.result_payload_json : JSON.stringify(params.result_payload);
    if (resultJson !== span.result_payload_json) assertPayloadSizes({ payload_json: '', result_payload_json: resultJson }, limits.spanPayloadBytes);
    const finished = {
      ...span,
      status: params.status ?? DEFAULT_FINISH_STATUS,
      result_payload_json: resultJson,
      summary:
        type && hasSummary(type)
          ? summaryOf(type, JSON.parse(span.payload_json) as object, resultJson === null ? null : (JSON.parse(resultJson) as object))
          : null,
      finished_at: finishedAt,
      updated_at: caller.now,
    };
    await tx.updateSpan(finished, span.status, span.result_payload_json);
    const json = spanJson(finished);
    return { status: 200, json: successJson(json, controlFor(instance)), change: spanResource(finished, json) };
  };
});
