import { Command, Option } from 'commander';
import { INSTANCE_STATUSES, MAX_INSTANCE_LIST_LIMIT, RISK_LEVELS, type ListedAgentInstance, type RiskLevel } from '@agentspan/protocol';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';
import { renderInstanceTable } from '../terminal/instance-table.js';
import { renderInstanceRisk } from '../terminal/risk-text.js';
import { choiceOf, choicesOf, integerIn } from './option-parsers.js';

interface ListFlags extends ApiFlags {
  status?: (typeof INSTANCE_STATUSES)[number];
  agent?: string;
  search?: string;
  riskLevel?: RiskLevel[];
  limit: number;
  json?: boolean;
}

interface TerminateFlags extends ApiFlags {
  reason: string;
}

const say = (text: string) => process.stdout.write(`${text}\n`);

function listCommand() {
  const command = new Command('list')
    .description('the newest agent instances: a table, or JSON lines with --json')
    .addOption(new Option('--status <status>', 'only instances in this status').argParser(choiceOf(INSTANCE_STATUSES)))
    .option('--agent <agent-id>', "only this agent's instances")
    .option('--search <words>', 'only instances with a span whose name or summary has these words')
    .addOption(
      new Option(
        '--risk-level <levels>',
        `only runs scored in these levels, comma-separated (${RISK_LEVELS.join(', ')}); runs not assessed are left out`,
      ).argParser(choicesOf(RISK_LEVELS, 'risk levels')),
    )
    .addOption(new Option('--limit <n>', 'at most this many').argParser(integerIn(1, 10_000)).default(20))
    .option('--json', 'one JSON object a line instead of a table');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((flags: ListFlags) =>
    withClient(flags, async (client) => {
      const found: ListedAgentInstance[] = [];
      let shown = 0;
      const pages = client.agentInstances.list({
        ...(flags.status ? { status: flags.status } : {}),
        ...(flags.agent ? { agent_id: flags.agent } : {}),
        ...(flags.search ? { q: flags.search } : {}),
        ...(flags.riskLevel ? { risk_level: flags.riskLevel } : {}),
        limit: Math.min(flags.limit, MAX_INSTANCE_LIST_LIMIT),
      });
      for await (const instance of pages) {
        if (flags.json) say(JSON.stringify(instance));
        else found.push(instance);
        if (++shown >= flags.limit) break;
      }
      if (!flags.json) say(found.length === 0 ? 'no agent instances' : renderInstanceTable(found));
    }),
  );
}

function riskCommand() {
  const command = new Command('risk')
    .description("how a run's risk score is made under its agent's current profile: a table, or the API's answer with --json")
    .argument('<instance-id>')
    .option('--json', "the API's answer as JSON instead of a table");
  for (const option of apiOptions()) command.addOption(option);
  return command.action((instanceId: string, flags: ApiFlags & { json?: boolean }) =>
    withClient(flags, async (client) => {
      const risk = await client.agentInstances.risk(instanceId);
      say(flags.json ? JSON.stringify(risk, null, 2) : renderInstanceRisk(risk));
    }),
  );
}

function terminateCommand() {
  const command = new Command('terminate')
    .description('stop a running agent instance: its next span calls tell the agent to stop')
    .argument('<instance-id>')
    .requiredOption('--reason <text>', 'why, shown to the agent and in the viewer');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((instanceId: string, flags: TerminateFlags) =>
    withClient(flags, async (client) => {
      const instance = await client.agentInstances.terminate(instanceId, { reason: flags.reason });
      say(`agent instance ${instance.id}: ${instance.status} (${instance.termination_reason ?? flags.reason})`);
    }),
  );
}

export const instancesCommand = () =>
  new Command('instances')
    .description('list agent instances, show their risk and terminate them through the API')
    .addCommand(listCommand())
    .addCommand(riskCommand())
    .addCommand(terminateCommand());
