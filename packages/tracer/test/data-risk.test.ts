import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTracer, TracerConfigError, type SpanTypeDefinition } from '@agentspan/tracer';
import { registeredSpanTypes, startBackend, TEST_OPTIONS, type Backend } from './support/backend.js';

let backend: Backend;
before(async () => (backend = await startBackend()));
after(() => backend.close());

const tracerOn = (extra = {}) => createTracer({ ...TEST_OPTIONS, apiUrl: backend.url, apiToken: backend.token, ...extra });

const LOOKUP: SpanTypeDefinition = {
  name: 'crm:lookup',
  params_schema: { type: 'object' },
  dataRisk: {
    action_profile: { read_data: 'allowed', destroy_data: 'disallowed' },
    result_data_categories: { classification: 'confidential', contact_information: 'included', minors_data: 'excluded' },
  },
};

describe("a span type's dataRisk", () => {
  it('arrives at the server as the data_risk of the span type, as declared', async () => {
    const tracer = tracerOn({ spanTypes: [LOOKUP, { name: 'agent:run', params_schema: { type: 'object' } }] });
    await tracer.withSpan('agent:run', {}, () => tracer.withSpan('crm:lookup', {}, () => {}));
    await tracer.shutdown();
    assert.equal(tracer.stats().rejected, 0);
    const types = await registeredSpanTypes(backend, tracer.instanceId);
    assert.deepEqual(types.find((type) => type.name === 'crm:lookup')?.data_risk, LOOKUP.dataRisk);
    assert.equal('dataRisk' in types[0]!, false);
    assert.equal('data_risk' in types.find((type) => type.name === 'agent:run')!, false);
  });

  it('arrives from declareSpanTypes too', async () => {
    const tracer = tracerOn();
    tracer.declareSpanTypes([LOOKUP]);
    await tracer.withSpan('crm:lookup', {}, () => {});
    await tracer.shutdown();
    const types = await registeredSpanTypes(backend, tracer.instanceId);
    assert.deepEqual(types.find((type) => type.name === 'crm:lookup')?.data_risk, LOOKUP.dataRisk);
  });

  const wrong: Array<[unknown, string]> = [
    [
      { action_profile: { wire_money: 'allowed' } },
      '[0].dataRisk.action_profile.wire_money ("x") is not a known field; the fields here are: create_data,',
    ],
    [
      { params_data_categories: { classification: 'top' } },
      '[0].dataRisk.params_data_categories.classification ("x") must be one of: unknown, public,',
    ],
    [
      { result_data_categories: { minors_data: 'allowed' } },
      '[0].dataRisk.result_data_categories.minors_data ("x") must be one of: unknown, included, excluded',
    ],
    [{ action_profile: [] }, '[0].dataRisk.action_profile ("x") must be an object'],
    ['high', '[0].dataRisk ("x") must be an object such as'],
  ];
  for (const [dataRisk, message] of wrong) {
    it(`refuses ${JSON.stringify(dataRisk)} when the tracer is made and when a library declares it`, () => {
      const type = { name: 'x', params_schema: {}, dataRisk } as unknown as SpanTypeDefinition;
      assert.throws(
        () => tracerOn({ spanTypes: [type] }),
        (error: Error) => error instanceof TracerConfigError && error.message.startsWith(`createTracer: spanTypes${message}`),
      );
      const tracer = tracerOn();
      assert.throws(
        () => tracer.declareSpanTypes([type]),
        (error: Error) => error instanceof TracerConfigError && error.message.startsWith(`declareSpanTypes: types${message}`),
      );
    });
  }
});
