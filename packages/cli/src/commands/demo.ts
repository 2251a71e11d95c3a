import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { PrefactorHttpClient } from '@agentspan/client';
import { bootstrapAccount, createToken, openSqliteStore, startServer } from '@agentspan/server';
import { seedGovernedAgent } from '../demo/governed-agent.js';
import { runScriptedAgent } from '../demo/scripted-agent.js';
import { renderSpanTree } from '../terminal/span-tree.js';

interface DemoFlags {
  keep?: boolean;
}

export const demoCommand = () =>
  new Command('demo')
    .description('start a server on a temporary SQLite file, run a scripted agent through the client, print its span tree, seed a governed agent')
    .option('--keep', 'keep serving (and the data directory) after the run, to open it in the viewer; Ctrl-C stops')
    .action(async (flags: DemoFlags) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'agentspan-demo-'));
      const store = await openSqliteStore({ dataDir });
      const account = await bootstrapAccount(store);
      if (!account) throw new Error('a fresh demo store already had an account');
      const server = await startServer({ store, host: '127.0.0.1', port: 0 });
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token });
      // Risk profiles, agents and environments are the account's: an operator's token sets them up.
      const accountToken = await createToken(store, { scope: 'account' });
      const operator = new PrefactorHttpClient({ apiUrl: server.url, apiToken: accountToken });
      try {
        const { instance, spans } = await runScriptedAgent(client);
        const counts = instance.span_counts;
        const say = (line = '') => process.stdout.write(`${line}\n`);
        say(`agentspan demo: server ${server.url}, SQLite in ${dataDir}`);
        say();
        say(`agent instance ${instance.id}: ${instance.status}`);
        say(renderSpanTree(spans));
        say();
        say(`spans: ${counts.total} total, ${counts.complete} complete, ${counts.failed} failed, ` + `${counts.active + counts.pending} open`);
        say();
        const governed = await seedGovernedAgent(operator);
        const scored = Object.values(governed.runs).map((r) => (r.risk_level === null ? 'not assessed' : `${r.risk_level} ${r.risk_score}`));
        say(`governed agent ${governed.agent.name} under risk profile "${governed.profile.name}": runs scored ${scored.join(', ')}`);
        say();
        const viewerUrl = `${server.url}/instances/${instance.id}`;
        if (flags.keep) {
          say(`viewer: ${viewerUrl} (sign in with the account token ${accountToken})`);
          say(`kept ${dataDir}; serving until Ctrl-C`);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
        } else {
          say(`viewer: run agentspan demo --keep to open this run at ${viewerUrl} (the server stops now)`);
        }
      } finally {
        await client.close();
        await operator.close();
        await server.stop();
        if (!flags.keep) rmSync(dataDir, { recursive: true, force: true });
      }
    });
