import { DEFAULT_TEST_SPAN_COUNT, type CreateTestSpansBody } from '@agentspan/protocol';
import type { SpanRecord } from '../../store/records.js';
import { fieldError, invalidAction } from '../errors.js';
import { newId } from '../ids.js';
import { versionMayScore } from '../risk/run-risk.js';
import { defineOperation } from '../operation.js';
import { isFinishStatus } from '../status-machine.js';
import { successJson } from '../views/envelope.js';
import { spanJson, spanResource } from '../views/span-view.js';
import { newSpan } from './new-span.js';
import { ANY_OTHER_SPAN_TYPE, assertPayloads, assertPayloadSizes, controlFor, spanTypeOf, summaryOf } from './span-rules.js';

/** The span type test spans are of: a schema version that declares types must declare it, or `*`. */
export const TEST_SPAN_TYPE = 'agentspan:test_span';

/** What the n-th of `count` test spans carries: enough to tell it apart and to see it is a test. */
const testPayload = (n: number, count: number) => ({ test: true, index: n, count });

/**
 * POST /agent_spans/create_test_spans (Prefactor's `agent_spans create_test_spans`): `count`
 * finished spans in an open (or terminated) instance, children of `parent_span_id` when it is
 * given, so a new setup can see spans arrive without running its agent. Each is checked and built
 * as a create's span is, and all are stored in one transaction or none is.
 */
export const createTestSpans = defineOperation<CreateTestSpansBody>('agent_spans/create_test_spans', (params, { caller, catalogs, limits }) => {
  const count = params.count ?? DEFAULT_TEST_SPAN_COUNT;

  return async (tx) => {
    const now = caller.now;
    const instance = await tx.lockInstanceShared(caller.accountId, params.agent_instance_id);
    if (!instance) throw fieldError('agent_instance_id', `names no agent instance of this account (${params.agent_instance_id})`);
    if (isFinishStatus(instance.status)) {
      throw invalidAction(`agent instance ${instance.id} is already ${instance.status}; test spans can only be added to an open instance`);
    }
    const catalog = await catalogs.get(tx, caller.accountId, instance.schema_version_id);
    if (catalog.spanTypes.size > 0 && !catalog.spanTypes.has(TEST_SPAN_TYPE) && !catalog.spanTypes.has(ANY_OTHER_SPAN_TYPE)) {
      // Said of the instance, the one thing the caller named: test spans never break a declared catalog.
      throw fieldError(
        'agent_instance_id',
        `has a schema version that declares span types without ${TEST_SPAN_TYPE} or ${ANY_OTHER_SPAN_TYPE}; declare one of them to add test spans to its instances`,
      );
    }
    const type = spanTypeOf(catalog, TEST_SPAN_TYPE);
    const parentId = params.parent_span_id ?? null;
    if (parentId !== null) {
      const parent = await tx.getSpan(caller.accountId, parentId);
      if (!parent || parent.agent_instance_id !== instance.id) {
        throw fieldError('parent_span_id', `names no span of agent instance ${instance.id} (${parentId})`);
      }
    }
    const owner = { accountId: caller.accountId, agentId: instance.agent_id, instanceId: instance.id, at: now };
    const spans: SpanRecord[] = [];
    for (let n = 1; n <= count; n += 1) {
      const payload = testPayload(n, count);
      assertPayloads(type, payload, null);
      const span = newSpan(owner, {
        id: newId(caller.accountId),
        parent_span_id: parentId,
        schema_name: TEST_SPAN_TYPE,
        schema_title: type?.title ?? 'Test span',
        status: 'complete',
        payload_json: JSON.stringify(payload),
        result_payload_json: null,
        summary: summaryOf(type, payload, null) ?? `Test span ${n} of ${count}`,
        started_at: now,
        finished_at: now,
      });
      assertPayloadSizes(span, limits.spanPayloadBytes);
      spans.push(span);
    }
    // Checked all before storing any, so a refusal leaves nothing behind.
    for (const span of spans) await tx.insertSpan(span);
    const jsons = spans.map((span) => spanJson(span));
    const resources = spans.map((span, i) => spanResource(span, jsons[i]));
    return {
      status: 201,
      json: successJson(`[${jsons.join(',')}]`, controlFor(instance)),
      // Each span is announced as a create of it: the last as this write's change, the others before it.
      change: resources[resources.length - 1],
      otherChanges: resources.slice(0, -1).map((change) => ({ operation: 'agent_spans/create' as const, change })),
      countedRuns: (await versionMayScore(tx, caller.accountId, instance.schema_version_id)) ? [instance.id] : [],
    };
  };
});
