import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import type { CreateRiskProfileParams, RiskProfile, UpdateRiskProfileParams } from '@agentspan/client';
import { DATA_ACTIONS, DATA_CATEGORY_GROUPS } from '@agentspan/protocol';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';
import { alignedTable, timeText } from '../terminal/text-table.js';

interface ProfileFlags extends ApiFlags {
  file?: string;
  name?: string;
  description?: string;
  thresholds?: { medium: number; high: number; critical: number };
  category: Array<[string, number]>;
  action: Array<[string, number]>;
  json?: boolean;
}

interface ListFlags extends ApiFlags {
  archived?: boolean;
  json?: boolean;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** `--thresholds 20,50,100`: medium, high and critical. The server checks that they rise. */
function thresholds(value: string) {
  const texts = value.split(',').map((part) => part.trim());
  const parts = texts.map(Number);
  if (parts.length !== 3 || texts.some((text, i) => text === '' || !Number.isFinite(parts[i]))) {
    throw new InvalidArgumentError(`expected three numbers medium,high,critical such as 20,50,100, got "${value}"`);
  }
  const [medium, high, critical] = parts as [number, number, number];
  return { medium, high, critical };
}

/** `--category name=weight` (repeatable): a name and a number, collected in order. */
const namedNumber = (flag: string) => (value: string, previous: Array<[string, number]>) => {
  const match = /^([a-z_]+)=(.+)$/.exec(value);
  const n = match ? Number(match[2]) : NaN;
  if (!match || !Number.isFinite(n)) throw new InvalidArgumentError(`expected ${flag} <name>=<number> such as read_data=1.5, got "${value}"`);
  return [...previous, [match[1]!, n] as [string, number]];
};

/**
 * The request's details from `--file` (a JSON object: the details, or a body holding them under
 * `details`) with the flags on top. A category or action named by a flag is included with that
 * weight or multiplier.
 */
async function detailsFrom(flags: ProfileFlags): Promise<Record<string, unknown>> {
  let details: Record<string, unknown> = {};
  if (flags.file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(flags.file, 'utf8'));
    } catch (error) {
      throw new Error(`--file ${flags.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`--file ${flags.file}: is not a JSON object`);
    const object = parsed as Record<string, unknown>;
    details = typeof object.details === 'object' && object.details !== null ? { ...(object.details as Record<string, unknown>) } : { ...object };
  }
  if (flags.name !== undefined) details.name = flags.name;
  if (flags.description !== undefined) details.description = flags.description;
  if (flags.thresholds !== undefined) details.thresholds = { ...(details.thresholds as object | undefined), ...flags.thresholds };
  const settings = (field: 'categories' | 'actions', key: string, pairs: Array<[string, number]>) => {
    if (pairs.length === 0) return;
    const map = { ...(details[field] as Record<string, unknown> | undefined) };
    for (const [name, n] of pairs) map[name] = { [key]: n, included: true };
    details[field] = map;
  };
  settings('categories', 'weight', flags.category);
  settings('actions', 'multiplier', flags.action);
  return details;
}

const thresholdText = (p: RiskProfile) => `${p.thresholds.medium} / ${p.thresholds.high} / ${p.thresholds.critical}`;

/** A profile as a person reads it: what it includes, and what it weighs or multiplies (zero weights left out, as Prefactor shows it). */
function profileText(p: RiskProfile): string {
  const lines = [`${p.name} (${p.id})${p.archived_at ? `, archived ${timeText(p.archived_at)}` : ''}`];
  if (p.description) lines.push(p.description);
  lines.push(`thresholds (medium / high / critical): ${thresholdText(p)}`, `agents assigned: ${p.agent_count}`);
  for (const group of DATA_CATEGORY_GROUPS) {
    const shown = group.categories.filter((c) => p.categories[c].weight > 0 || p.categories[c].included);
    lines.push(`${group.title}:${shown.length === 0 ? ' none' : ''}`);
    for (const c of shown) lines.push(`  ${c}  weight ${p.categories[c].weight}${p.categories[c].included ? '' : ' (excluded)'}`);
  }
  const actions = DATA_ACTIONS.filter((a) => p.actions[a].included);
  lines.push(`actions allowed:${actions.length === 0 ? ' none' : ''}`);
  for (const a of actions) lines.push(`  ${a}  multiplier ${p.actions[a].multiplier}`);
  return lines.join('\n');
}

const print = (profile: RiskProfile, flags: { json?: boolean }, done: string) =>
  say(flags.json ? JSON.stringify(profile, null, 2) : `${done} risk profile ${profile.id} (${profile.name})`);

/** The flags create and update share. */
function withProfileFlags(command: Command): Command {
  command
    .option('--file <path>', 'a JSON file with the details (name, description, categories, actions, thresholds)')
    .option('--name <name>')
    .option('--description <text>')
    .option('--thresholds <medium,high,critical>', 'three rising positive numbers, e.g. 20,50,100', thresholds)
    .option('--category <name=weight>', 'include a data category with this weight (0-10); repeatable', namedNumber('--category'), [])
    .option('--action <name=multiplier>', 'allow an action with this multiplier (0-10); repeatable', namedNumber('--action'), [])
    .option('--json', 'print the profile as JSON');
  for (const option of apiOptions()) command.addOption(option);
  return command;
}

function listCommand() {
  const command = new Command('list')
    .description("the account's risk profiles: a table, or JSON lines with --json")
    .option('--archived', 'archived profiles too')
    .option('--json', 'one JSON object a line instead of a table');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((flags: ListFlags) =>
    withClient(flags, async (client) => {
      const found: RiskProfile[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await client.riskProfiles.list({ offset, page_size: 100, ...(flags.archived ? { include_archived: true } : {}) });
        found.push(...page);
        if (page.length < 100) break;
      }
      if (flags.json) for (const profile of found) say(JSON.stringify(profile));
      else if (found.length === 0) say('no risk profiles');
      else {
        const rows = found.map((p) => [p.id, p.name, String(p.agent_count), thresholdText(p), p.archived_at ? timeText(p.archived_at) : '-']);
        say(alignedTable([['ID', 'NAME', 'AGENTS', 'MEDIUM / HIGH / CRITICAL', 'ARCHIVED (UTC)'], ...rows]));
      }
    }),
  );
}

function createCommand() {
  return withProfileFlags(new Command('create').description('a new risk profile, from --file and/or flags (--name and --thresholds needed)')).action(
    (flags: ProfileFlags) =>
      withClient(flags, async (client) => {
        const details = await detailsFrom(flags);
        // The server checks the details and names any field at fault.
        print(await client.riskProfiles.create(details as unknown as CreateRiskProfileParams), flags, 'created');
      }),
  );
}

function updateCommand() {
  return withProfileFlags(new Command('update').description('change what is given: from --file and/or flags').argument('<id>')).action(
    (id: string, flags: ProfileFlags) =>
      withClient(flags, async (client) => {
        const details = (await detailsFrom(flags)) as UpdateRiskProfileParams;
        print(await client.riskProfiles.update(id, details), flags, 'updated');
      }),
  );
}

function showCommand() {
  const command = new Command('show').description('one risk profile, archived ones too').argument('<id>').option('--json', 'as JSON');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((id: string, flags: { json?: boolean } & ApiFlags) =>
    withClient(flags, async (client) => {
      const profile = await client.riskProfiles.get(id);
      say(flags.json ? JSON.stringify(profile, null, 2) : profileText(profile));
    }),
  );
}

function archiveCommand() {
  const command = new Command('archive')
    .description('archive (delete) a risk profile: kept and readable, no longer assignable; agents that have it keep it')
    .argument('<id>')
    .option('--json', 'print the profile as JSON');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((id: string, flags: { json?: boolean } & ApiFlags) =>
    withClient(flags, async (client) => print(await client.riskProfiles.archive(id), flags, 'archived')),
  );
}

/** `agentspan risk-profiles …`: through the API with an account-scoped token, as `instances` reads are. */
export const riskProfilesCommand = () =>
  new Command('risk-profiles')
    .description('list, create, show, update and archive risk profiles through the API (account-scoped token)')
    .addCommand(listCommand())
    .addCommand(createCommand())
    .addCommand(showCommand())
    .addCommand(updateCommand())
    .addCommand(archiveCommand());
