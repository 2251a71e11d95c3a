import { Command, InvalidArgumentError } from 'commander';
import type { ModelPrice, ModelPriceChange, SetModelPriceParams } from '@agentspan/client';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';
import { alignedTable } from '../terminal/text-table.js';

interface RateFlags extends ApiFlags {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  json?: boolean;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** A rate in USD per million tokens; the server checks its range and names the field at fault. */
function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError(`expected a number of USD per million tokens such as 2.5, got "${value}"`);
  return n;
}

const rateText = (n: number | null) => (n === null ? '-' : String(n));

/** One price as a line: every rate the entry has, `-` for those billed at the input (cache) or output (reasoning) rate. */
const priceRow = (p: ModelPrice) => [
  p.model,
  p.source,
  String(p.input),
  String(p.output),
  rateText(p.cache_read),
  rateText(p.cache_write),
  rateText(p.reasoning),
];

function printChange(change: ModelPriceChange<ModelPrice | null>, flags: { json?: boolean }, done: string, model: string) {
  if (flags.json) return say(JSON.stringify(change, null, 2));
  const now = change.details;
  say(
    now === null
      ? `${done} ${model}: it has no price now, so its tokens are unpriced (cost null) until one is set`
      : `${done} ${now.model} (${now.source}): input ${now.input}, output ${now.output} USD per million tokens`,
  );
  say(change.message);
}

function listCommand() {
  const command = new Command('list')
    .description('the prices costs are computed with: shipped and the account’s own, USD per million tokens')
    .option('--json', 'one JSON object a line instead of a table');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((flags: { json?: boolean } & ApiFlags) =>
    withClient(flags, async (client) => {
      const prices = await client.modelPrices.list();
      if (flags.json) for (const price of prices) say(JSON.stringify(price));
      else {
        say(alignedTable([['MODEL', 'SOURCE', 'INPUT', 'OUTPUT', 'CACHE READ', 'CACHE WRITE', 'REASONING'], ...prices.map(priceRow)]));
        say('USD per million tokens; "-": cache tokens at the input rate, reasoning at the output rate');
      }
    }),
  );
}

function setCommand() {
  const command = new Command('set')
    .description('add a model’s price or override the shipped one; re-prices its stored usage, past runs included')
    .argument('<model>', 'the model id as spans record it (gpt-4o, claude-3-5-sonnet, my-fine-tune)')
    .requiredOption('--input <usd>', 'per million input tokens', rate)
    .requiredOption('--output <usd>', 'per million output tokens', rate)
    .option('--cache-read <usd>', 'per million cached input tokens read (default: the input rate)', rate)
    .option('--cache-write <usd>', 'per million tokens written to the cache (default: the input rate)', rate)
    .option('--reasoning <usd>', 'per million reasoning tokens (default: the output rate)', rate)
    .option('--json', 'print the answer as JSON');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((model: string, flags: RateFlags) =>
    withClient(flags, async (client) => {
      const params: SetModelPriceParams = { input: flags.input, output: flags.output };
      if (flags.cacheRead !== undefined) params.cache_read = flags.cacheRead;
      if (flags.cacheWrite !== undefined) params.cache_write = flags.cacheWrite;
      if (flags.reasoning !== undefined) params.reasoning = flags.reasoning;
      printChange(await client.modelPrices.set(model, params), flags, 'set', model);
    }),
  );
}

function unsetCommand() {
  const command = new Command('unset')
    .description('drop the account’s price for a model: the shipped price, or none, applies again')
    .argument('<model>')
    .option('--json', 'print the answer as JSON');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((model: string, flags: { json?: boolean } & ApiFlags) =>
    withClient(flags, async (client) => printChange(await client.modelPrices.delete(model), flags, 'unset', model)),
  );
}

/** `agentspan prices …`: the model price table through the API (account-scoped token); `list` when no subcommand is given. */
export const pricesCommand = () =>
  new Command('prices')
    .description('list, set and unset model prices through the API (account-scoped token)')
    .addCommand(listCommand(), { isDefault: true })
    .addCommand(setCommand())
    .addCommand(unsetCommand());
