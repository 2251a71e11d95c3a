// The client under test, driven like the baseline clients: `agentSpans.create` with the same
// span, from the built package (`packages/client/dist`), as an application imports it.
import { spanParams } from '../lib/span-body.mjs';

export async function agentspanClient({ url, token, agentInstanceId }) {
  const { PrefactorHttpClient } = await import('@agentspan/client');
  if (typeof PrefactorHttpClient !== 'function') {
    throw new Error('@agentspan/client does not export PrefactorHttpClient yet');
  }
  const client = new PrefactorHttpClient({ apiUrl: url, apiToken: token });
  return {
    create: () => client.agentSpans.create(spanParams(agentInstanceId)),
    close: async () => {
      await client.close?.();
    },
  };
}
