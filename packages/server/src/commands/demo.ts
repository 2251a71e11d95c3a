import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { PrefactorHttpClient } from '@agentspan/client';
import { bootstrapAccount } from '../domain/bootstrap.js';
import { runScriptedAgent } from '../demo/scripted-agent.js';
import { renderSpanTree } from '../terminal/span-tree.js';
import { startServer } from '../server.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';

interface DemoFlags {
  keep?: boolean;
}

export const demoCommand = () =>
  new Command('demo')
    .description('start a server on a temporary SQLite file, run a scripted agent through the client, print its span tree')
    .option('--keep', 'keep the temporary data directory and print where it is')
    .action(async (flags: DemoFlags) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'agentspan-demo-'));
      const store = await openSqliteStore({ dataDir });
      const account = await bootstrapAccount(store);
      if (!account) throw new Error('a fresh demo store already had an account');
      const server = await startServer({ store, host: '127.0.0.1', port: 0 });
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token });
      try {
        const { instance, spans } = await runScriptedAgent(client);
        const counts = instance.span_counts;
        const say = (line = '') => process.stdout.write(`${line}\n`);
        say(`agentspan demo: server ${server.url}, SQLite in ${dataDir}`);
        say();
        say(`agent instance ${instance.id}: ${instance.status}`);
        say(renderSpanTree(spans));
        say();
        say(
          `spans: ${counts.total} total, ${counts.complete} complete, ${counts.failed} failed, ` +
            `${counts.active + counts.pending} open`,
        );
      } finally {
        await client.close();
        await server.stop();
        if (flags.keep) process.stdout.write(`kept ${dataDir}\n`);
        else rmSync(dataDir, { recursive: true, force: true });
      }
    });
