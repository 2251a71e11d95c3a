import { once } from 'node:events';
import { Command } from 'commander';
import { exportLines, type ExportCounts } from '@agentspan/server';
import { amount, dateTime } from './option-parsers.js';
import { openExistingStoreAt, resolveStoreLocation, withStoreLocationOptions, type StoreLocationFlags } from './store-location.js';

interface ExportFlags extends StoreLocationFlags {
  instance?: string;
  since?: string;
}

export const describeCounts = (counts: Partial<Record<string, number>>) =>
  Object.entries(counts)
    .map(([kind, n]) => amount(n ?? 0, kind))
    .join(', ') || 'nothing';

export const exportCommand = () =>
  withStoreLocationOptions(
    new Command('export').description(
      'write the store as NDJSON on stdout (accounts, agents with their versions, deployments, token hashes, instances, spans; parents first), for agentspan import',
    ),
  )
    .option('--instance <id>', 'only this agent instance (with its account, agents and versions)')
    .option('--since <date>', 'only instances started (or registered) at or after this ISO-8601 date or date-time', dateTime)
    .action(async (flags: ExportFlags) => {
      const store = await openExistingStoreAt(resolveStoreLocation(flags));
      const counts: ExportCounts = {};
      try {
        const selection = { ...(flags.instance ? { instanceId: flags.instance } : {}), ...(flags.since ? { since: flags.since } : {}) };
        for await (const chunk of exportLines(store, selection, counts)) {
          if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        }
      } finally {
        await store.close();
      }
      process.stderr.write(`exported ${describeCounts(counts)}\n`);
    });
