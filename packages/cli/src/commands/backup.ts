import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { backupSqliteFile, SQLITE_FILE_NAME } from '@agentspan/server';
import { existingSqliteFile, resolveStoreLocation, withStoreLocationOptions, type StoreLocationFlags } from './store-location.js';

interface BackupFlags extends StoreLocationFlags {
  force?: boolean;
}

export const backupCommand = () =>
  withStoreLocationOptions(
    new Command('backup').description(
      `copy a SQLite store consistently while its server runs; serve the copy by putting it in a directory as ${SQLITE_FILE_NAME}`,
    ),
  )
    .argument('<file>', `where the copy goes, e.g. backups/2026-12-06/${SQLITE_FILE_NAME} (missing directories are created)`)
    .option('--force', 'replace <file> if it exists')
    .action(async (target: string, flags: BackupFlags) => {
      const location = resolveStoreLocation(flags);
      if (location.engine === 'postgres') {
        throw new Error('backup copies a SQLite store (--data-dir); back up PostgreSQL with pg_dump, as the README describes');
      }
      const source = existingSqliteFile(location.dataDir);
      if (existsSync(target)) {
        if (statSync(target).isDirectory()) {
          throw new Error(`${target} is a directory; name the file to write, e.g. ${target}/${SQLITE_FILE_NAME}`);
        }
        if (!flags.force) throw new Error(`${target} already exists; choose another file, or add --force to replace it`);
      }
      if (resolve(target) === resolve(source)) throw new Error(`${target} is the store itself; choose another file`);
      mkdirSync(dirname(target), { recursive: true });
      const started = Date.now();
      const { pages } = await backupSqliteFile(source, target);
      process.stdout.write(
        `backed up ${location.dataDir} to ${target} (${pages} pages, integrity ok, ${Date.now() - started} ms); ` +
          `serve it with: agentspan serve --data-dir ${dirname(target)}` +
          (basename(target) === SQLITE_FILE_NAME ? '\n' : ` after renaming it to ${SQLITE_FILE_NAME}\n`),
      );
    });
