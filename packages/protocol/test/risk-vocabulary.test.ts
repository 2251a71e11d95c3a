import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import {
  DATA_ACTIONS,
  DATA_CATEGORIES,
  DATA_CATEGORY_GROUPS,
  DataRiskDeclaration,
  GDPR_SPECIAL_CATEGORIES,
  isDataAction,
  isDataCategory,
  RiskProfileForCreate,
} from '@agentspan/protocol';

describe('the data risk vocabulary', () => {
  it('names the 17 categories once, in three groups, and the 6 actions', () => {
    assert.equal(DATA_CATEGORIES.length, 17);
    assert.equal(new Set(DATA_CATEGORIES).size, 17);
    assert.deepEqual(
      DATA_CATEGORY_GROUPS.flatMap((group) => group.categories),
      [...DATA_CATEGORIES],
    );
    assert.ok(GDPR_SPECIAL_CATEGORIES.every((category) => category.startsWith('gdpr_')));
    assert.equal(GDPR_SPECIAL_CATEGORIES.length, 7);
    assert.deepEqual([...DATA_ACTIONS].sort(), [
      'create_data',
      'destroy_data',
      'external_communication',
      'financial_transactions',
      'read_data',
      'update_data',
    ]);
    assert.ok(isDataCategory('minors_data') && !isDataCategory('constructor'));
    assert.ok(isDataAction('read_data') && !isDataAction('toString'));
  });

  it('keeps the constants free of TypeBox, so a reader of the vocabulary alone bundles none', async () => {
    const source = await readFile(new URL('../src/risk-vocabulary.ts', import.meta.url), 'utf8');
    assert.doesNotMatch(source, /^import /m);
  });

  it('checks a declaration: every field optional, unknown names and values refused', () => {
    assert.ok(Value.Check(DataRiskDeclaration, {}));
    assert.ok(
      Value.Check(DataRiskDeclaration, {
        action_profile: { read_data: 'allowed', external_communication: 'disallowed' },
        params_data_categories: { classification: 'confidential', personal_identifiers: 'included' },
        result_data_categories: { minors_data: 'excluded' },
      }),
    );
    assert.ok(!Value.Check(DataRiskDeclaration, { action_profile: { launch: 'allowed' } }));
    assert.ok(!Value.Check(DataRiskDeclaration, { params_data_categories: { classification: 'top-secret' } }));
    assert.ok(!Value.Check(DataRiskDeclaration, { result_data_categories: { minors_data: 'yes' } }));
  });

  it('bounds weights and multipliers to 0–10 and thresholds above 0 in a profile request', () => {
    const thresholds = { medium: 1, high: 2, critical: 3 };
    assert.ok(Value.Check(RiskProfileForCreate, { name: 'p', thresholds, categories: { minors_data: { weight: 10 } } }));
    assert.ok(!Value.Check(RiskProfileForCreate, { name: 'p', thresholds, categories: { minors_data: { weight: 10.5 } } }));
    assert.ok(!Value.Check(RiskProfileForCreate, { name: 'p', thresholds, actions: { read_data: { multiplier: -1 } } }));
    assert.ok(!Value.Check(RiskProfileForCreate, { name: 'p', thresholds: { ...thresholds, medium: 0 } }));
    assert.ok(!Value.Check(RiskProfileForCreate, { name: '', thresholds }));
  });
});
