// An agent script that dies of an uncaught exception while two of its spans are open.
import { createTracer } from '@agentspan/tracer';

const tracer = createTracer({ agent: { name: 'script', version: '1' } }); // PREFACTOR_API_URL / _TOKEN
console.log(tracer.instanceId);
await tracer.withSpan('agent:run', {}, async () => {
  await tracer.withSpan('agent:llm', {}, async () => {
    tracer.startSpan('agent:tool', {}).end();
    setTimeout(() => {
      throw new Error('the tool crashed the process');
    }, 5);
    await new Promise(() => {});
  });
});
