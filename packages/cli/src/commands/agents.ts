import { Command, Option } from 'commander';
import { PrefactorApiError, type PrefactorHttpClient, type UpdateAgentParams } from '@agentspan/client';
import { INSTANCE_STATUSES, MAX_AGENT_PAGE_SIZE, type Agent, type RiskProfile } from '@agentspan/protocol';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';
import { alignedTable, timeText } from '../terminal/text-table.js';
import { integerIn, nonEmpty } from './option-parsers.js';

interface ListFlags extends ApiFlags {
  limit: number;
  json?: boolean;
}

interface UpdateFlags extends ApiFlags {
  name?: string;
  /** false with --no-description. */
  description?: string | false;
  /** false with --no-risk-profile. */
  riskProfile?: string | false;
  json?: boolean;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** One line of at most `width` characters, for a table cell. */
function cell(text: string | null | undefined, width = 60): string {
  const line = (text ?? '').split('\n')[0]!.trim();
  if (line === '') return '-';
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/**
 * The account's risk profiles by id, archived ones too, to name an agent's. Without them (a token
 * that may not read profiles) agents show the id they carry.
 */
async function profilesById(client: PrefactorHttpClient): Promise<Map<string, RiskProfile>> {
  const found = new Map<string, RiskProfile>();
  try {
    for (let offset = 0; ; offset += 100) {
      const page = await client.riskProfiles.list({ offset, page_size: 100, include_archived: true });
      for (const profile of page) found.set(profile.id, profile);
      if (page.length < 100) return found;
    }
  } catch (error) {
    if (error instanceof PrefactorApiError) return found;
    throw error;
  }
}

/** The profile an agent carries, or undefined when none has that id (a label stored before profiles existed). */
async function profileOf(client: PrefactorHttpClient, id: string): Promise<RiskProfile | undefined> {
  try {
    return await client.riskProfiles.get(id);
  } catch (error) {
    if (error instanceof PrefactorApiError) return undefined;
    throw error;
  }
}

/** An agent's risk profile as a person reads it: its name, or the id it carries when no profile has it. */
function profileText(id: string | null | undefined, profiles: Map<string, RiskProfile>): string {
  if (!id) return '-';
  const profile = profiles.get(id);
  if (!profile) return id;
  return profile.archived_at ? `${profile.name} (archived)` : profile.name;
}

/** "3 total: 1 active, 2 complete": the statuses with instances, in the order they happen. */
function countsText(counts: NonNullable<Agent['instance_counts']>): string {
  const shown = INSTANCE_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return `${counts.total} total${shown.length === 0 ? '' : `: ${shown.join(', ')}`}`;
}

function agentText(agent: Agent, profile: RiskProfile | undefined): string {
  const lines = [`${agent.name} (${agent.id})`, `status: ${agent.status}`];
  if (agent.description) lines.push(`description: ${agent.description}`);
  if (agent.external_identifier) lines.push(`external identifier: ${agent.external_identifier}`);
  const profileLine = !agent.risk_profile_id
    ? 'none'
    : profile
      ? `${profile.name} (${profile.id})${profile.archived_at ? `, archived ${timeText(profile.archived_at)}` : ''}`
      : agent.risk_profile_id;
  lines.push(`risk profile: ${profileLine}`);
  if (agent.instance_counts) lines.push(`instances: ${countsText(agent.instance_counts)}`);
  lines.push(`created (UTC): ${timeText(agent.inserted_at)}`, `updated (UTC): ${timeText(agent.updated_at)}`);
  return lines.join('\n');
}

const print = (agent: Agent, flags: { json?: boolean }, done: string) =>
  say(flags.json ? JSON.stringify(agent, null, 2) : `${done} agent ${agent.id} (${agent.name}): ${agent.status}`);

function withApiOptions(command: Command): Command {
  for (const option of apiOptions()) command.addOption(option);
  return command;
}

function listCommand() {
  const command = new Command('list')
    .description("the account's agents, oldest first: a table, or JSON lines with --json")
    .addOption(new Option('--limit <n>', 'at most this many').argParser(integerIn(1, 10_000)).default(100))
    .option('--json', 'one JSON object a line instead of a table');
  return withApiOptions(command).action((flags: ListFlags) =>
    withClient(flags, async (client) => {
      const found: Agent[] = [];
      const pageSize = Math.min(flags.limit, MAX_AGENT_PAGE_SIZE);
      for (let offset = 0; found.length < flags.limit; offset += pageSize) {
        const page = await client.agents.list({ offset, page_size: pageSize });
        found.push(...page.slice(0, flags.limit - found.length));
        if (page.length < pageSize) break;
      }
      if (flags.json) for (const agent of found) say(JSON.stringify(agent));
      else if (found.length === 0) say('no agents');
      else {
        const profiles = found.some((a) => a.risk_profile_id) ? await profilesById(client) : new Map<string, RiskProfile>();
        const rows = found.map((a) => [a.id, cell(a.name, 40), a.status, cell(profileText(a.risk_profile_id, profiles), 40), cell(a.description)]);
        say(alignedTable([['ID', 'NAME', 'STATUS', 'RISK PROFILE', 'DESCRIPTION'], ...rows]));
      }
    }),
  );
}

function showCommand() {
  const command = new Command('show')
    .description('one agent with its instance counts and risk profile')
    .argument('<id>')
    .option('--environment <id>', 'count only the instances in this environment')
    .option('--json', 'as JSON');
  return withApiOptions(command).action((id: string, flags: { environment?: string; json?: boolean } & ApiFlags) =>
    withClient(flags, async (client) => {
      const agent = await client.agents.show({
        agent_id: id,
        include_counts: true,
        ...(flags.environment ? { environment_id: flags.environment } : {}),
      });
      if (flags.json) return say(JSON.stringify(agent, null, 2));
      say(agentText(agent, agent.risk_profile_id ? await profileOf(client, agent.risk_profile_id) : undefined));
    }),
  );
}

/** The request's fields from the flags; false (a `--no-…` flag) clears with null. */
function changesFrom(flags: UpdateFlags): UpdateAgentParams {
  const changes: UpdateAgentParams = {};
  if (flags.name !== undefined) changes.name = flags.name;
  if (flags.description !== undefined) changes.description = flags.description === false ? null : flags.description;
  if (flags.riskProfile !== undefined) changes.risk_profile_id = flags.riskProfile === false ? null : flags.riskProfile;
  return changes;
}

function updateCommand() {
  const command = new Command('update')
    .description('change what is given: name, description, risk profile')
    .argument('<id>')
    .option('--name <name>', 'a new name', nonEmpty('--name'))
    .option('--description <text>', 'a new description')
    .option('--no-description', 'clear the description')
    .option('--risk-profile <id>', 'assign this live risk profile (see agentspan risk-profiles list)', nonEmpty('--risk-profile'))
    .option('--no-risk-profile', 'clear the risk profile')
    .option('--json', 'print the agent as JSON');
  // A flag and its --no- form set one value, the last given winning: both at once is a mistake to name.
  const given = new Set<string>();
  for (const flag of ['description', 'no-description', 'risk-profile', 'no-risk-profile']) command.on(`option:${flag}`, () => given.add(flag));
  return withApiOptions(command).action(async (id: string, flags: UpdateFlags) => {
    for (const flag of ['description', 'risk-profile']) {
      if (given.has(flag) && given.has(`no-${flag}`)) throw new Error(`give --${flag} or --no-${flag}, not both`);
    }
    const changes = changesFrom(flags);
    if (Object.keys(changes).length === 0) {
      throw new Error('nothing to change: give --name, --description, --no-description, --risk-profile <id> or --no-risk-profile');
    }
    await withClient(flags, async (client) => print(await client.agents.update(id, changes), flags, 'updated'));
  });
}

const statusCommand = (name: 'retire' | 'reinstate', description: string, done: string) =>
  withApiOptions(new Command(name).description(description).argument('<id>').option('--json', 'print the agent as JSON')).action(
    (id: string, flags: { json?: boolean } & ApiFlags) => withClient(flags, async (client) => print(await client.agents[name](id), flags, done)),
  );

/** `agentspan agents …`: through the API with an account-scoped token, as `risk-profiles` is. */
export const agentsCommand = () =>
  new Command('agents')
    .description('list, show, update, retire and reinstate agents through the API (account-scoped token)')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(updateCommand())
    .addCommand(statusCommand('retire', 'retire an agent: it takes no new instances; those it has keep working', 'retired'))
    .addCommand(statusCommand('reinstate', 'reinstate a retired agent: it takes instances again', 'reinstated'));
