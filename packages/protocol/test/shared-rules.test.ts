import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AGENT_LABELS,
  AgentForCreate,
  FINISH_STATUSES,
  firstRepeatedKey,
  INSTANCE_STATUSES,
  isFinishStatus,
  isOpenStatus,
  MAX_AGENT_EXTERNAL_IDENTIFIER_LENGTH,
  MAX_AGENT_LABEL_LENGTH,
  MAX_AGENT_NAME_LENGTH,
  OPEN_STATUSES,
  SPAN_STATUSES,
} from '@agentspan/protocol';

describe('statuses', () => {
  it('splits every span status into open and finish statuses, and instances add terminated', () => {
    assert.deepEqual(SPAN_STATUSES, ['pending', 'active', 'complete', 'failed', 'cancelled']);
    assert.deepEqual([...OPEN_STATUSES, ...FINISH_STATUSES], SPAN_STATUSES);
    assert.deepEqual(INSTANCE_STATUSES, [...SPAN_STATUSES, 'terminated']);
  });

  it('tells open statuses from final ones, and finish statuses from the rest', () => {
    assert.deepEqual(
      INSTANCE_STATUSES.filter((status) => isOpenStatus(status)),
      ['pending', 'active'],
    );
    assert.deepEqual(
      INSTANCE_STATUSES.filter((status) => isFinishStatus(status)),
      ['complete', 'failed', 'cancelled'],
    );
    for (const other of ['terminated', 'done', '', 'Complete']) {
      assert.equal(isOpenStatus(other), false, other);
      assert.equal(isFinishStatus(other), false, other);
    }
  });
});

describe('agent limits', () => {
  it('are the maxLengths of the agent create schema', () => {
    const fields = AgentForCreate.properties;
    const maxLength = (schema: unknown): unknown => (schema as { anyOf: Array<{ maxLength?: number }> }).anyOf[0]!.maxLength;
    assert.equal(fields.name.maxLength, MAX_AGENT_NAME_LENGTH);
    assert.equal(maxLength(fields.external_identifier), MAX_AGENT_EXTERNAL_IDENTIFIER_LENGTH);
    for (const label of AGENT_LABELS) assert.equal(maxLength(fields[label]), MAX_AGENT_LABEL_LENGTH, label);
  });
});

describe('firstRepeatedKey', () => {
  const items = (...keys: unknown[]) => keys.map((idempotency_key) => ({ idempotency_key }));

  it('answers nothing when every item has its own key', () => {
    assert.equal(firstRepeatedKey([]), undefined);
    assert.equal(firstRepeatedKey(items('key-0001', 'key-0002', 'key-0003')), undefined);
  });

  it('names the first item that repeats a key, and the earlier item that had it', () => {
    assert.deepEqual(firstRepeatedKey(items('a', 'b', 'c', 'b', 'a')), { index: 3, earlier: 1 });
    assert.deepEqual(firstRepeatedKey(items('a', 'b', 'a', 'a')), { index: 2, earlier: 0 });
  });

  it('compares keys exactly', () => {
    assert.equal(firstRepeatedKey(items('key', 'Key', 'key ')), undefined);
  });
});
