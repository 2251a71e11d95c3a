import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeDataRisk, DATA_ACTIONS, DATA_CATEGORIES, dataRiskProblems } from '@agentspan/protocol';

const allUnknown = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, 'unknown']));
const NOTHING_SAID = {
  action_profile: allUnknown(DATA_ACTIONS),
  params_data_categories: { classification: 'unknown', ...allUnknown(DATA_CATEGORIES) },
  result_data_categories: { classification: 'unknown', ...allUnknown(DATA_CATEGORIES) },
};

describe('completeDataRisk', () => {
  it('fills every field left out with unknown and keeps what is said', () => {
    const complete = completeDataRisk({
      action_profile: { read_data: 'allowed' },
      result_data_categories: { classification: 'secret', minors_data: 'excluded' },
    });
    assert.deepEqual(complete, {
      ...NOTHING_SAID,
      action_profile: { ...NOTHING_SAID.action_profile, read_data: 'allowed' },
      result_data_categories: { ...NOTHING_SAID.result_data_categories, classification: 'secret', minors_data: 'excluded' },
    });
    assert.deepEqual(Object.keys(complete.params_data_categories), ['classification', ...DATA_CATEGORIES]);
  });

  it('reads anything stored before declarations were checked without failing: what it does not know is unknown', () => {
    for (const stored of [
      undefined,
      null,
      'high',
      3,
      [],
      {},
      { action_profile: 'all' },
      { action_profile: { read_data: 'yes', wire_money: 'allowed' } },
    ]) {
      assert.deepEqual(completeDataRisk(stored), NOTHING_SAID);
    }
    const inherited = Object.create({ read_data: 'allowed' }) as object;
    assert.equal(completeDataRisk({ action_profile: inherited }).action_profile.read_data, 'unknown');
  });
});

describe('dataRiskProblems', () => {
  it('finds nothing wrong with a full, a partial or an empty declaration', () => {
    assert.deepEqual(dataRiskProblems({}), []);
    assert.deepEqual(dataRiskProblems({ params_data_categories: { classification: 'public', gdpr_genetic_data: 'included' } }), []);
  });

  it('names each wrong key or value by its path and says what is allowed', () => {
    assert.deepEqual(dataRiskProblems({ action_profile: { wire_money: 'allowed', read_data: 'yes' }, colour: 'red', result_data_categories: null }), [
      { path: 'action_profile.wire_money', message: `is not a known field; the fields here are: ${DATA_ACTIONS.join(', ')}` },
      { path: 'action_profile.read_data', message: 'must be one of: unknown, allowed, disallowed' },
      { path: 'colour', message: 'is not a known field; the fields here are: action_profile, params_data_categories, result_data_categories' },
      { path: 'result_data_categories', message: 'must be an object' },
    ]);
    assert.equal(dataRiskProblems('high')[0]?.path, '');
  });
});
