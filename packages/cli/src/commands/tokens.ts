import { Command, InvalidArgumentError, Option } from 'commander';
import { createToken, deleteToken, parseTimestamp, setTokenStatus, type Timestamp, type TokenRecord, type TokenStatus } from '@agentspan/server';
import { alignedTable, timeText } from '../terminal/text-table.js';
import { choiceOf, dateTime } from './option-parsers.js';
import { openExistingStoreAt, withStoreLocationOptions, resolveStoreLocation, type StoreLocationFlags } from './store-location.js';

const SCOPES = ['deployment', 'account'] as const;

interface CreateTokenFlags extends StoreLocationFlags {
  scope: (typeof SCOPES)[number];
  expiresIn?: number;
  expiresAt?: Timestamp;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--expires-in`: a whole number of minutes, hours or days (`90m`, `12h`, `30d`), in ms. */
const duration = (value: string): number => {
  const match = /^(\d{1,6})([mhd])$/.exec(value);
  if (!match || Number(match[1]) === 0) throw new InvalidArgumentError(`expected a duration such as 90m, 12h or 30d, got "${value}"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
};

/** When a token made now with these flags expires; refuses a time already past. */
function expiryOf(flags: CreateTokenFlags): Timestamp | undefined {
  if (flags.expiresIn !== undefined && flags.expiresAt !== undefined) throw new Error('give --expires-in or --expires-at, not both');
  const expiresAt = flags.expiresIn !== undefined ? parseTimestamp(new Date(Date.now() + flags.expiresIn).toISOString(), 'expires') : flags.expiresAt;
  if (expiresAt !== undefined && Date.parse(expiresAt) <= Date.now()) throw new Error(`--expires-at ${expiresAt} is past; give a future time`);
  return expiresAt;
}

/** Opens the store the flags name, refusing to create an SQLite store that does not exist yet. */
const openExistingStore = (flags: StoreLocationFlags) => openExistingStoreAt(resolveStoreLocation(flags));

const say = (text: string) => process.stdout.write(`${text}\n`);

/** The status a token shows now: an active or suspended token past its expiry is `expired`. */
const statusNow = (token: TokenRecord) =>
  token.status !== 'revoked' && token.expires_at !== null && Date.parse(token.expires_at) <= Date.now() ? 'expired' : token.status;

/** What `tokens list` shows of a token: never its hash, which would let anyone test guesses offline. */
const listed = (token: TokenRecord) => ({
  id: token.id,
  scope: token.scope,
  account_id: token.account_id,
  deployment_id: token.deployment_id,
  status: statusNow(token),
  expires_at: token.expires_at,
  created_at: token.inserted_at,
  last_used_at: token.last_used_at ?? null,
});

const listTokensCommand = () =>
  withStoreLocationOptions(
    new Command('list').description('the API tokens of the store: id, scope, status, expiry, created, last used (to the minute); never the secret'),
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
              ['ID', 'SCOPE', 'DEPLOYMENT', 'STATUS', 'EXPIRES (UTC)', 'CREATED (UTC)', 'LAST USED (UTC)'],
              ...tokens.map((t) => [
                t.id,
                t.scope,
                t.deployment_id ?? '-',
                t.status,
                t.expires_at ? timeText(t.expires_at) : 'never',
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

const STATUS_COMMANDS: ReadonlyArray<[string, TokenStatus, string, string]> = [
  ['suspend', 'suspended', 'suspend an API token: every server on the store refuses it until `tokens activate` (works while they run)', 'suspended'],
  ['activate', 'active', 'accept a suspended API token again', 'activated'],
  ['revoke', 'revoked', 'revoke an API token for good: every server on the store refuses it from now on (works while they run)', 'revoked'],
];

const statusCommand = ([name, status, description, done]: (typeof STATUS_COMMANDS)[number]) =>
  withStoreLocationOptions(new Command(name).description(description))
    .argument('<id>', 'the token id `agentspan tokens list` shows')
    .action(async (id: string, flags: StoreLocationFlags) => {
      const store = await openExistingStore(flags);
      try {
        const token = await setTokenStatus(store, id, status);
        say(`${done} ${token.scope}-scoped token ${token.id}`);
      } finally {
        await store.close();
      }
    });

const deleteTokenCommand = () =>
  withStoreLocationOptions(
    new Command('delete').description('delete an API token: every server on the store refuses it as unknown from now on (works while they run)'),
  )
    .argument('<id>', 'the token id `agentspan tokens list` shows')
    .action(async (id: string, flags: StoreLocationFlags) => {
      const store = await openExistingStore(flags);
      try {
        const token = await deleteToken(store, id);
        say(`deleted ${token.scope}-scoped token ${token.id}`);
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
    .addOption(new Option('--expires-in <duration>', 'refused after this long: 90m, 12h, 30d (default: never expires)').argParser(duration))
    .addOption(new Option('--expires-at <time>', 'refused from this ISO-8601 time on (UTC unless it says otherwise)').argParser(dateTime))
    .action(async (flags: CreateTokenFlags) => {
      const expiresAt = expiryOf(flags);
      const store = await openExistingStore(flags);
      try {
        process.stdout.write(`${await createToken(store, { scope: flags.scope, ...(expiresAt ? { expiresAt } : {}) })}\n`);
      } finally {
        await store.close();
      }
    });

export const tokensCommand = () =>
  new Command('tokens')
    .description('manage API tokens')
    .addCommand(createTokenCommand())
    .addCommand(listTokensCommand())
    .addCommand(statusCommand(STATUS_COMMANDS[0]!))
    .addCommand(statusCommand(STATUS_COMMANDS[1]!))
    .addCommand(statusCommand(STATUS_COMMANDS[2]!))
    .addCommand(deleteTokenCommand());
