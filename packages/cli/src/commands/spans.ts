import { Command } from 'commander';
import type { AgentSpan } from '@agentspan/protocol';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';
import { renderSpanTree } from '../terminal/span-tree.js';

function treeCommand() {
  const command = new Command('tree').description("an agent instance's spans as a tree").argument('<instance-id>');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((instanceId: string, flags: ApiFlags) =>
    withClient(flags, async (client) => {
      const instance = await client.agentInstances.get(instanceId);
      const spans: AgentSpan[] = [];
      for await (const span of client.agentSpans.list({ agent_instance_id: instanceId })) spans.push(span);
      process.stdout.write(`agent instance ${instance.id}: ${instance.status}\n`);
      process.stdout.write(`${spans.length === 0 ? '(no spans)' : renderSpanTree(spans)}\n`);
    }),
  );
}

export const spansCommand = () => new Command('spans').description('read spans through the API').addCommand(treeCommand());
