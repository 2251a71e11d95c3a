// The rollup's arithmetic on its own, without a store: what HTTP tests cannot reach cheaply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeDataRisk } from '@agentspan/protocol';
import { DEFAULT_ACTIONS, DEFAULT_CATEGORIES } from '../src/domain/risk-profiles/risk-profile-settings.js';
import { highestClassification, mergeSpanTypes, riskDistribution, riskExceedances, riskRollup } from '../src/domain/risk/rollup.js';

const secret = completeDataRisk({ result_data_categories: { classification: 'secret', minors_data: 'included' } });
const plain = completeDataRisk({ params_data_categories: { classification: 'internal' }, action_profile: { create_data: 'allowed' } });

test('a span type declared in several schema versions takes its newest declaration', () => {
  const merged = mergeSpanTypes([
    {
      id: 'v1',
      spanTypes: new Map([
        ['b', secret],
        ['a', null],
      ]),
    },
    { id: 'v2', spanTypes: new Map([['b', null]]) },
  ]);
  assert.deepEqual(
    [...merged],
    [
      ['a', null],
      ['b', null],
    ],
  );
});

test('the highest classification is of params and result; none without risk data', () => {
  assert.equal(highestClassification(secret), 'secret');
  assert.equal(highestClassification(plain), 'internal');
  const rollup = riskRollup([{ id: 'v1', spanTypes: new Map([['a', null]]) }], new Set(['a', 'undeclared']));
  assert.equal(rollup.theoretical.highest_classification, null);
  assert.deepEqual(rollup.observed.span_types_without_risk_data, ['a', 'undeclared'], 'a type no version declares ran undeclared');
});

test('exceedances: categories included and actions allowed that the profile leaves out; null without a profile', () => {
  const types = new Map([
    ['s', secret],
    ['p', plain],
  ]);
  assert.equal(riskExceedances(null, types), null);
  const profile = {
    categories: { ...DEFAULT_CATEGORIES, minors_data: { weight: 3, included: true } },
    actions: DEFAULT_ACTIONS,
    thresholds: { medium: 1, high: 2, critical: 3 },
  };
  assert.deepEqual(riskExceedances(profile, types), [{ span_type: 'p', kind: 'action', name: 'create_data' }]);
});

test('the distribution counts runs by level and says when it was cut', () => {
  const levels = [{ score: 1, level: 'low' as const }, null, { score: 9, level: 'critical' as const }];
  assert.deepEqual(riskDistribution(levels, true), { low: 1, medium: 0, high: 0, critical: 1, not_assessed: 1, runs_scored: 3, truncated: true });
});
