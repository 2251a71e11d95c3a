import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { applyImportFile, checkImportFile } from '@agentspan/server';
import { describeCounts } from './export.js';
import { describeLocation, openStoreAt, resolveStoreLocation, withStoreLocationOptions, type StoreLocationFlags } from './store-location.js';

export const importCommand = () =>
  withStoreLocationOptions(
    new Command('import').description(
      'read a file agentspan export wrote into this store (created if needed); rows already there are kept as they are, so a second import changes nothing',
    ),
  )
    .argument('<file>', 'an NDJSON export')
    .action(async (file: string, flags: StoreLocationFlags) => {
      if (!existsSync(file)) throw new Error(`${file} does not exist; give the file agentspan export wrote`);
      const location = resolveStoreLocation(flags);
      // The whole file is checked before the store is opened: a refused file leaves no trace.
      await checkImportFile(file);
      const store = await openStoreAt(location);
      try {
        const report = await applyImportFile(store, file);
        process.stdout.write(
          `imported ${describeCounts(report.inserted)} into ${describeLocation(location)}; ${report.present} of ${report.lines} rows were already there\n`,
        );
      } finally {
        await store.close();
      }
    });
