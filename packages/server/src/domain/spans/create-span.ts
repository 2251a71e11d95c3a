import type { CreateSpanParams } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import type { SpanRecord } from '../../store/records.js';
import { conflict, fieldError, invalidAction } from '../errors.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { isFinishStatus, isOpen } from '../status-machine.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { successJson } from '../views/envelope.js';
import { spanJson } from '../views/span-view.js';
import { assertPayloads, controlFor, spanTypeOf, summaryOf } from './span-rules.js';

/** Start and finish times of a new span: a finish status without finished_at finishes it now. */
function spanTimes(params: CreateSpanParams, now: string) {
  const startedAt = parseOptionalTimestamp(params.started_at, 'started_at') ?? now;
  let finishedAt = parseOptionalTimestamp(params.finished_at, 'finished_at') ?? null;
  if (finishedAt !== null && isOpen(params.status)) {
    throw fieldError('finished_at', `must be absent while status is ${params.status}; send a finish status (complete, failed, cancelled) with it`);
  }
  if (finishedAt !== null && finishedAt < startedAt) {
    throw fieldError('finished_at', `must not be before started_at (${startedAt})`);
  }
  if (finishedAt === null && isFinishStatus(params.status)) finishedAt = startedAt > now ? startedAt : now;
  return { startedAt, finishedAt };
}

/** POST /agent_spans: a span of an open (or terminated) instance of the caller's account. */
export const createSpan = defineOperation<CreateSpanParams>('agent_spans/create', (params, { caller, catalogs }) => {
  const { startedAt, finishedAt } = spanTimes(params, caller.now);
  const payload = params.payload ?? {};
  const resultPayload = params.result_payload ?? null;

  return async (tx) => {
    // Shared with other creates, exclusive of a finish: the status read here holds until commit.
    const instance = await tx.lockInstanceShared(caller.accountId, params.agent_instance_id);
    if (!instance) throw fieldError('agent_instance_id', `names no agent instance of this account (${params.agent_instance_id})`);
    if (isFinishStatus(instance.status)) {
      throw invalidAction(`agent instance ${instance.id} is already ${instance.status}; spans can only be added to an open instance`);
    }
    const type = spanTypeOf(await catalogs.get(tx, caller.accountId, instance.schema_version_id), params.schema_name);
    assertPayloads(type, payload, resultPayload);
    if (params.parent_span_id != null) {
      const parent = await tx.getSpan(caller.accountId, params.parent_span_id);
      if (!parent || parent.agent_instance_id !== instance.id) {
        throw fieldError('parent_span_id', `names no span of agent instance ${instance.id} (${params.parent_span_id})`);
      }
    }
    const span: SpanRecord = {
      account_id: caller.accountId,
      id: params.id ?? newId(),
      agent_id: instance.agent_id,
      agent_instance_id: instance.id,
      parent_span_id: params.parent_span_id ?? null,
      schema_name: params.schema_name,
      schema_title: type?.title ?? null,
      status: params.status,
      payload_json: JSON.stringify(payload),
      result_payload_json: resultPayload === null ? null : JSON.stringify(resultPayload),
      summary: summaryOf(type, payload, resultPayload),
      started_at: startedAt,
      finished_at: finishedAt,
      inserted_at: caller.now,
      updated_at: caller.now,
    };
    try {
      await tx.insertSpan(span);
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw conflict(`span id ${span.id} is already taken in this account; choose another id, or resend the original request with its idempotency key`);
      }
      throw error;
    }
    return { status: 201, json: successJson(spanJson(span), controlFor(instance)) };
  };
}, { additive: true });
