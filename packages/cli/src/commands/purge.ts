import { Command } from 'commander';
import { purgeableBefore, purgeFinishedBefore, type PurgeReport } from '@agentspan/server';
import { amount, dateTime } from './option-parsers.js';
import { describeLocation, openExistingStoreAt, resolveStoreLocation, withStoreLocationOptions, type StoreLocationFlags } from './store-location.js';

interface PurgeFlags extends StoreLocationFlags {
  before: string;
  dryRun?: boolean;
}

const counted = (report: PurgeReport) =>
  `${amount(report.instances, 'agent instance')}, ${amount(report.spans, 'span')}, ${amount(report.ledger, 'idempotency-ledger entry', 'idempotency-ledger entries')}`;

export const purgeCommand = () =>
  withStoreLocationOptions(
    new Command('purge').description(
      'delete agent instances that finished before a date, with their spans (open instances are kept); works while a server runs',
    ),
  )
    .requiredOption('--before <date>', 'instances that finished before this ISO-8601 date or date-time (UTC unless given), e.g. 2026-01-31', dateTime)
    .option('--dry-run', 'print what would be deleted, and delete nothing')
    .action(async (flags: PurgeFlags) => {
      const location = resolveStoreLocation(flags);
      const store = await openExistingStoreAt(location);
      try {
        const where = `finished before ${flags.before}, ${describeLocation(location)}`;
        if (flags.dryRun) {
          const report = await purgeableBefore(store, flags.before);
          process.stdout.write(`dry run: would delete ${counted(report)} (${where}); nothing was changed\n`);
        } else {
          const report = await purgeFinishedBefore(store, flags.before);
          process.stdout.write(`deleted ${counted(report)} (${where})\n`);
        }
      } finally {
        await store.close();
      }
    });
