import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { createToken } from '../domain/access-tokens.js';
import { SQLITE_FILE_NAME } from '../store/sqlite/sqlite-store.js';
import { choiceOf } from './option-parsers.js';
import { openStoreAt, withStoreLocationOptions, resolveStoreLocation, type StoreLocationFlags } from './store-location.js';

const SCOPES = ['deployment', 'account'] as const;

interface CreateTokenFlags extends StoreLocationFlags {
  scope: (typeof SCOPES)[number];
}

const createTokenCommand = () =>
  withStoreLocationOptions(new Command('create')
    .description('issue an API token and print it alone on stdout (works while a server runs on the same store)'))
    .addOption(
      new Option('--scope <scope>', 'deployment: registers instances of the default agent; account: every agent of the account')
        .argParser(choiceOf(SCOPES))
        .default('deployment'),
    )
    .action(async (flags: CreateTokenFlags) => {
      const location = resolveStoreLocation(flags);
      if (location.engine === 'sqlite' && !existsSync(join(location.dataDir, SQLITE_FILE_NAME))) {
        throw new Error(
          `no store in ${location.dataDir}; start the server once with \`agentspan serve --data-dir ${location.dataDir}\` to create it`,
        );
      }
      const store = await openStoreAt(location);
      try {
        process.stdout.write(`${await createToken(store, { scope: flags.scope })}\n`);
      } finally {
        await store.close();
      }
    });

export const tokensCommand = () =>
  new Command('tokens').description('manage API tokens').addCommand(createTokenCommand());
