// The scoring rule on its own: every clause, without a store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeDataRisk, type DeclaredDataRisk } from '@agentspan/protocol';
import { DEFAULT_ACTIONS, DEFAULT_CATEGORIES } from '../src/domain/risk-profiles/risk-profile-settings.js';
import { assessRun, mayScore, riskLevel, runComposition, spanTypeScore, type ScoringProfile } from '../src/domain/risk/score.js';

const thresholds = { medium: 20, high: 60, critical: 100 };

function profile(
  categories: Record<string, { weight: number; included?: boolean }>,
  actions: Record<string, { multiplier: number; included?: boolean }>,
): ScoringProfile {
  const withDefaults = <T extends object>(base: Record<string, T>, given: Record<string, Partial<T> & object>) =>
    Object.fromEntries(Object.entries(base).map(([name, setting]) => [name, { ...setting, included: name in given, ...given[name] }]));
  return {
    id: 'rp',
    name: 'Customer data',
    archived: false,
    categories: withDefaults(DEFAULT_CATEGORIES, categories) as ScoringProfile['categories'],
    actions: withDefaults(DEFAULT_ACTIONS, actions) as ScoringProfile['actions'],
    thresholds,
  };
}

// The worked example's profile: personal_identifiers 8, contact_information 4, read_data × 1.0.
const worked = profile(
  { personal_identifiers: { weight: 8 }, contact_information: { weight: 4 }, financial_information: { weight: 5 } },
  { read_data: { multiplier: 1 } },
);
const reader = completeDataRisk({
  action_profile: { read_data: 'allowed' },
  params_data_categories: { personal_identifiers: 'included' },
  result_data_categories: { contact_information: 'included' },
});
const fiver = completeDataRisk({ action_profile: { read_data: 'allowed' }, result_data_categories: { financial_information: 'included' } });
const declared = (risk: DeclaredDataRisk) => completeDataRisk(risk);

test('the worked example: 12 per span, three spans and one of a type scoring 5 make 41', () => {
  assert.deepEqual(spanTypeScore(worked, reader), { score: 12, categories: ['personal_identifiers', 'contact_information'], actions: ['read_data'] });
  assert.equal(spanTypeScore(worked, fiver).score, 5);
  const inputs = {
    profile: worked,
    declarations: new Map([
      ['crm.read', reader],
      ['ledger.read', fiver],
    ]),
    counts: new Map([
      ['crm.read', 3],
      ['ledger.read', 1],
      ['llm.call', 6],
    ]),
  };
  assert.deepEqual(assessRun(inputs), { score: 41, level: 'medium' });
  const composition = runComposition(inputs, { instanceId: 'i', agentId: 'a', schemaVersionId: 's' });
  assert.equal(composition.span_count, 10);
  assert.equal(composition.undeclared_span_count, 6);
  assert.deepEqual(
    composition.span_types.map((t) => [t.span_type, t.span_count, t.share, t.score_per_span, t.points]),
    [
      ['crm.read', 3, 0.3, 12, 36],
      ['ledger.read', 1, 0.1, 5, 5],
    ],
  );
  assert.equal(
    composition.span_types.reduce((sum, t) => sum + t.points, 0),
    composition.risk_score,
  );
  assert.deepEqual(composition.profile?.categories, [
    { category: 'personal_identifiers', weight: 8 },
    { category: 'contact_information', weight: 4 },
    { category: 'financial_information', weight: 5 },
  ]);
  assert.deepEqual(composition.profile?.actions, [{ action: 'read_data', multiplier: 1 }]);
});

test('a category declared in params and in result counts once', () => {
  const both = declared({
    action_profile: { read_data: 'allowed' },
    params_data_categories: { personal_identifiers: 'included' },
    result_data_categories: { personal_identifiers: 'included' },
  });
  assert.equal(spanTypeScore(worked, both).score, 8);
});

test('unknown and excluded declarations count nothing', () => {
  const unsaid = declared({ params_data_categories: { personal_identifiers: 'unknown' }, action_profile: { read_data: 'unknown' } });
  assert.equal(spanTypeScore(worked, unsaid).score, 0);
  const absent = declared({ params_data_categories: { personal_identifiers: 'excluded' }, action_profile: { read_data: 'allowed' } });
  assert.equal(spanTypeScore(worked, absent).score, 0);
  const disallowed = declared({ params_data_categories: { personal_identifiers: 'included' }, action_profile: { read_data: 'disallowed' } });
  assert.equal(spanTypeScore(worked, disallowed).score, 0);
});

test('categories and actions the profile excludes count nothing, whatever their weight', () => {
  const narrow = profile(
    { personal_identifiers: { weight: 8 }, contact_information: { weight: 4, included: false } },
    { read_data: { multiplier: 1 }, external_communication: { multiplier: 3, included: false } },
  );
  const wide = declared({
    action_profile: { read_data: 'allowed', external_communication: 'allowed' },
    params_data_categories: { personal_identifiers: 'included', contact_information: 'included' },
  });
  assert.deepEqual(spanTypeScore(narrow, wide), { score: 8, categories: ['personal_identifiers'], actions: ['read_data'] });
});

test('several actions add their multipliers, several categories their weights', () => {
  const p = profile(
    { personal_identifiers: { weight: 8 }, contact_information: { weight: 4 } },
    { read_data: { multiplier: 1 }, external_communication: { multiplier: 2.5 } },
  );
  const both = declared({
    action_profile: { read_data: 'allowed', external_communication: 'allowed' },
    params_data_categories: { personal_identifiers: 'included', contact_information: 'included' },
  });
  assert.equal(spanTypeScore(p, both).score, 42);
});

test("no profile, or no declaration among the run's span types: not assessed", () => {
  const declarations = new Map([['crm.read', reader]]);
  assert.equal(assessRun({ profile: null, declarations, counts: new Map([['crm.read', 3]]) }), null);
  assert.equal(assessRun({ profile: worked, declarations, counts: new Map([['llm.call', 3]]) }), null);
  assert.equal(assessRun({ profile: worked, declarations, counts: new Map() }), null);
  const none = runComposition(
    { profile: null, declarations, counts: new Map([['crm.read', 3]]) },
    { instanceId: 'i', agentId: 'a', schemaVersionId: 's' },
  );
  assert.equal(none.assessed, false);
  assert.equal(none.profile, null);
  assert.deepEqual(none.span_types, []);
});

test('a declared type scoring zero still assesses the run: low, score 0', () => {
  const silent = declared({ action_profile: { create_data: 'allowed' } });
  assert.deepEqual(assessRun({ profile: worked, declarations: new Map([['x', silent]]), counts: new Map([['x', 2]]) }), { score: 0, level: 'low' });
});

test('levels: each threshold is the least score of its band', () => {
  assert.equal(riskLevel(19.99, thresholds), 'low');
  assert.equal(riskLevel(20, thresholds), 'medium');
  assert.equal(riskLevel(60, thresholds), 'high');
  assert.equal(riskLevel(100, thresholds), 'critical');
  assert.equal(riskLevel(1e9, thresholds), 'critical');
});

test('decimal weights sum without binary drift', () => {
  const p = profile({ personal_identifiers: { weight: 0.1 }, contact_information: { weight: 0.2 } }, { read_data: { multiplier: 1 } });
  const both = declared({
    action_profile: { read_data: 'allowed' },
    params_data_categories: { personal_identifiers: 'included', contact_information: 'included' },
  });
  assert.equal(spanTypeScore(p, both).score, 0.3);
});

test('only a declaration with an included category and an allowed action may score above 0', () => {
  const everything = profile(
    Object.fromEntries(Object.keys(DEFAULT_CATEGORIES).map((name) => [name, { weight: 10 }])),
    Object.fromEntries(Object.keys(DEFAULT_ACTIONS).map((name) => [name, { multiplier: 10 }])),
  );
  const cases: Array<[DeclaredDataRisk, boolean]> = [
    [{ action_profile: { read_data: 'allowed' }, result_data_categories: { contact_information: 'included' } }, true],
    [{ action_profile: { read_data: 'allowed' }, params_data_categories: { personal_identifiers: 'excluded' } }, false],
    [{ action_profile: { read_data: 'unknown' }, params_data_categories: { personal_identifiers: 'included' } }, false],
    [{}, false],
  ];
  for (const [declared, expected] of cases) {
    const complete = completeDataRisk(declared);
    assert.equal(mayScore(complete), expected, JSON.stringify(declared));
    // The same answer the rule gives under a profile that includes everything at its highest.
    assert.equal(spanTypeScore(everything, complete).score > 0, expected, JSON.stringify(declared));
  }
  assert.equal(mayScore(undefined), false);
});
