import type { TestContext } from 'node:test';
import { PrefactorHttpClient, type PrefactorClientConfig } from '@agentspan/client';
import { ScriptedServer } from './scripted-server.js';

/** Behaviour that could differ by transport runs over both: the Node default (undici) and fetch. */
export const TRANSPORTS = [
  { name: 'undici transport (Node default)', config: {} as PrefactorClientConfig },
  { name: 'fetch transport', config: { fetch: globalThis.fetch } as PrefactorClientConfig },
] as const;

export interface Harness {
  server: ScriptedServer;
  client: PrefactorHttpClient;
  /** Every wait the client asked for between retries, in milliseconds. */
  sleeps: number[];
}

/**
 * A scripted server and a client pointed at it, both closed when the test ends. Waits
 * between retries are recorded and skipped, and jitter is pinned to the middle of its range.
 */
export async function harness(t: TestContext, transport: { config: PrefactorClientConfig }, config: PrefactorClientConfig = {}): Promise<Harness> {
  const server = await ScriptedServer.start();
  const sleeps: number[] = [];
  const client = new PrefactorHttpClient({
    apiUrl: server.url,
    apiToken: 'test-token',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...transport.config,
    ...config,
  });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  return { server, client, sleeps };
}
