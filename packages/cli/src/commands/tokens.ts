import { Command, Option } from 'commander';
import { createToken, revokeToken, type TokenRecord } from '@agentspan/server';
import { alignedTable, timeText } from '../terminal/text-table.js';
import { choiceOf } from './option-parsers.js';
import { openExistingStoreAt, withStoreLocationOptions, resolveStoreLocation, type StoreLocationFlags } from './store-location.js';

const SCOPES = ['deployment', 'account'] as const;

interface CreateTokenFlags extends StoreLocationFlags {
  scope: (typeof SCOPES)[number];
}

/** Opens the store the flags name, refusing to create an SQLite store that does not exist yet. */
const openExistingStore = (flags: StoreLocationFlags) => openExistingStoreAt(resolveStoreLocation(flags));

const say = (text: string) => process.stdout.write(`${text}\n`);

/** What `tokens list` shows of a token: never its hash, which would let anyone test guesses offline. */
const listed = (token: TokenRecord) => ({
  id: token.id,
  scope: token.scope,
  account_id: token.account_id,
  deployment_id: token.deployment_id,
  created_at: token.inserted_at,
  last_used_at: token.last_used_at ?? null,
});

const listTokensCommand = () =>
  withStoreLocationOptions(
    new Command('list').description('the API tokens of the store: id, scope, created, last used (to the minute); never the secret'),
  )
    .option('--json', 'one JSON object a line instead of a table')
    .action(async (flags: StoreLocationFlags & { json?: boolean }) => {
      const store = await openExistingStore(flags);
      try {
        const tokens = (await store.read((tx) => tx.listTokens())).map(listed);
        if (flags.json) for (const token of tokens) say(JSON.stringify(token));
        else if (tokens.length === 0) say('no tokens; create one with `agentspan tokens create`');
        else {
          say(
            alignedTable([
              ['ID', 'SCOPE', 'DEPLOYMENT', 'CREATED (UTC)', 'LAST USED (UTC)'],
              ...tokens.map((t) => [
                t.id,
                t.scope,
                t.deployment_id ?? '-',
                timeText(t.created_at),
                t.last_used_at ? timeText(t.last_used_at) : 'never',
              ]),
            ]),
          );
        }
      } finally {
        await store.close();
      }
    });

const revokeTokenCommand = () =>
  withStoreLocationOptions(
    new Command('revoke').description('delete an API token: every server on the store refuses it from now on (works while they run)'),
  )
    .argument('<id>', 'the token id `agentspan tokens list` shows')
    .action(async (id: string, flags: StoreLocationFlags) => {
      const store = await openExistingStore(flags);
      try {
        const token = await revokeToken(store, id);
        say(`revoked ${token.scope}-scoped token ${token.id}`);
      } finally {
        await store.close();
      }
    });

const createTokenCommand = () =>
  withStoreLocationOptions(
    new Command('create').description('issue an API token and print it alone on stdout (works while a server runs on the same store)'),
  )
    .addOption(
      new Option('--scope <scope>', 'deployment: registers instances of the default agent; account: every agent of the account')
        .argParser(choiceOf(SCOPES))
        .default('deployment'),
    )
    .action(async (flags: CreateTokenFlags) => {
      const store = await openExistingStore(flags);
      try {
        process.stdout.write(`${await createToken(store, { scope: flags.scope })}\n`);
      } finally {
        await store.close();
      }
    });

export const tokensCommand = () =>
  new Command('tokens')
    .description('manage API tokens')
    .addCommand(createTokenCommand())
    .addCommand(listTokensCommand())
    .addCommand(revokeTokenCommand());
