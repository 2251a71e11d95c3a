// An agent script that never calls shutdown(): it simply ends when its work is done.
import { createTracer } from '@agentspan/tracer';

const tracer = createTracer({ agent: { name: 'script', version: '1' } }); // PREFACTOR_API_URL / _TOKEN
console.log(tracer.instanceId);
for (let i = 0; i < 30; i++) {
  await tracer.withSpan('agent:run', { i }, async () => {
    await tracer.withSpan('agent:llm', { i }, async (span) => span.setResult({ text: `answer ${i}` }));
  });
}
tracer.startSpan('agent:last', {}).end();
