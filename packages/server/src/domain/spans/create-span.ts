import type { ControlBlock, CreateSpanParams } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import type { SpanRecord } from '../../store/records.js';
import type { PayloadObjects } from '../../store/span-usage.js';
import { conflict, fieldError, invalidAction } from '../errors.js';
import { newId } from '../ids.js';
import { versionMayScore } from '../risk/run-risk.js';
import { unvalidated, type CompiledType } from '../span-types.js';
import { defineOperation } from '../operation.js';
import { isFinishStatus, isOpen } from '../status-machine.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { successJson } from '../views/envelope.js';
import { spanJson, spanResource } from '../views/span-view.js';
import { newSpan, type SpanOwner } from './new-span.js';
import { assertPayloads, assertPayloadSizes, controlFor, payloadToCheck, spanTypeOf, summaryOf } from './span-rules.js';

/** The times a create names, parsed: a finish time only with a finish status. Independent of the clock. */
function givenTimes(params: CreateSpanParams) {
  const startedAt = parseOptionalTimestamp(params.started_at, 'started_at');
  const finishedAt = parseOptionalTimestamp(params.finished_at, 'finished_at') ?? null;
  if (finishedAt !== null && isOpen(params.status)) {
    throw fieldError('finished_at', `must be absent while status is ${params.status}; send a finish status (complete, failed, cancelled) with it`);
  }
  return { startedAt, finishedAt };
}

/**
 * Start and finish times of the span a create makes at `now`: started_at defaults to now, and a
 * finish status without finished_at finishes it now. A replay rebuilds them at the create's own
 * clock reading, so a finished_at that was ahead of the clock then is not refused later.
 */
function spanTimes(given: ReturnType<typeof givenTimes>, status: CreateSpanParams['status'], now: string) {
  const startedAt = given.startedAt ?? now;
  let finishedAt = given.finishedAt;
  if (finishedAt !== null && finishedAt < startedAt) {
    throw fieldError('finished_at', `must not be before started_at (${startedAt})`);
  }
  if (finishedAt === null && isFinishStatus(status)) finishedAt = startedAt > now ? startedAt : now;
  return { startedAt, finishedAt };
}

/** What a create fixed when it ran, beyond its params: enough to build its answer again. */
interface CreateReceipt {
  receipt: 'agent_spans/create';
  span_id: string;
  agent_id: string;
  schema_version_id: string;
  at: string;
  control?: ControlBlock;
}

/** The objects a create's payload texts are made from. */
const payloadObjects = (params: CreateSpanParams) =>
  ({ payload: params.payload ?? {}, result: params.result_payload ?? null }) satisfies PayloadObjects;

/**
 * The span a create makes from its params and the facts fixed when it ran. The create and every
 * replay of it build the span here, so a replay answers what the create answered even after the
 * span has been finished.
 */
function createdSpan(
  params: CreateSpanParams,
  id: string,
  times: { startedAt: string; finishedAt: string | null },
  type: CompiledType | undefined,
  owner: SpanOwner,
): SpanRecord {
  const { payload, result: resultPayload } = payloadObjects(params);
  return newSpan(owner, {
    id,
    parent_span_id: params.parent_span_id ?? null,
    schema_name: params.schema_name,
    schema_title: type?.title ?? null,
    status: params.status,
    payload_json: JSON.stringify(payload),
    result_payload_json: resultPayload === null ? null : JSON.stringify(resultPayload),
    summary: summaryOf(type, payload, resultPayload),
    started_at: times.startedAt,
    finished_at: times.finishedAt,
    schema_validation: unvalidated(type) ? 'unvalidated' : null,
  });
}

/** POST /agent_spans: a span of an open (or terminated) instance of the caller's account. */
export const createSpan = defineOperation<CreateSpanParams>(
  'agent_spans/create',
  (params, { caller, catalogs, limits }) => {
    const given = givenTimes(params);

    return async (tx) => {
      // Here, not in prepare: a replay never gets this far, so it is not judged by a later clock.
      const times = spanTimes(given, params.status, caller.now);
      // Shared with other creates, exclusive of a finish: the status read here holds until commit.
      const instance = await tx.lockInstanceShared(caller.accountId, params.agent_instance_id);
      if (!instance) throw fieldError('agent_instance_id', `names no agent instance of this account (${params.agent_instance_id})`);
      if (isFinishStatus(instance.status)) {
        throw invalidAction(`agent instance ${instance.id} is already ${instance.status}; spans can only be added to an open instance`);
      }
      const type = spanTypeOf(await catalogs.get(tx, caller.accountId, instance.schema_version_id), params.schema_name);
      assertPayloads(type, payloadToCheck(params), params.result_payload ?? null);
      if (params.parent_span_id != null) {
        const parent = await tx.getSpan(caller.accountId, params.parent_span_id);
        if (!parent || parent.agent_instance_id !== instance.id) {
          throw fieldError('parent_span_id', `names no span of agent instance ${instance.id} (${params.parent_span_id})`);
        }
      }
      const owner = { accountId: caller.accountId, agentId: instance.agent_id, instanceId: params.agent_instance_id, at: caller.now };
      const span = createdSpan(params, params.id ?? newId(caller.accountId), times, type, owner);
      assertPayloadSizes(span, limits.spanPayloadBytes);
      try {
        // The request's parsed payloads: the store reads the span's usage from them, not from their text.
        await tx.insertSpan(span, payloadObjects(params));
      } catch (error) {
        if (error instanceof StoreConflictError) {
          throw conflict(
            `span id ${span.id} is already taken in this account; choose another id, or resend the original request with its idempotency key`,
          );
        }
        throw error;
      }
      const control = controlFor(instance);
      const receipt: CreateReceipt = {
        receipt: 'agent_spans/create',
        span_id: span.id,
        agent_id: span.agent_id,
        schema_version_id: instance.schema_version_id,
        at: caller.now,
        ...(control ? { control } : {}),
      };
      const json = spanJson(span);
      return {
        status: 201,
        json: successJson(json, control),
        receipt: JSON.stringify(receipt),
        change: spanResource(span, json),
        countedRuns: (await versionMayScore(tx, caller.accountId, instance.schema_version_id)) ? [instance.id] : [],
      };
    };
  },
  {
    additive: true,
    // The ledger keeps a receipt of a few ids instead of the answer, which repeats the whole payload.
    rebuild: async (tx, receiptJson, params, { caller, catalogs }) => {
      const receipt = JSON.parse(receiptJson) as CreateReceipt;
      const type = spanTypeOf(await catalogs.get(tx, caller.accountId, receipt.schema_version_id), params.schema_name);
      const owner = { accountId: caller.accountId, agentId: receipt.agent_id, instanceId: params.agent_instance_id, at: receipt.at };
      const span = createdSpan(params, receipt.span_id, spanTimes(givenTimes(params), params.status, receipt.at), type, owner);
      return { status: 201, json: successJson(spanJson(span), receipt.control) };
    },
  },
);
