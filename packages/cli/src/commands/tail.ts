import { Command } from 'commander';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';
import { eventLine } from '../terminal/event-lines.js';

export function tailCommand() {
  const command = new Command('tail')
    .description("follow spans as they start and finish (of one agent instance, or of the token's account) until Ctrl-C")
    .argument('[instance-id]');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((instanceId: string | undefined, flags: ApiFlags) =>
    withClient(flags, async (client) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        if (instanceId !== undefined) await client.agentInstances.get(instanceId); // 404 now, not a silent stream
        process.stderr.write(`following ${instanceId ? `agent instance ${instanceId}` : 'every agent instance'}; Ctrl-C to stop\n`);
        const events = client.events.stream(instanceId === undefined ? {} : { agent_instance_id: instanceId }, { signal: stop.signal });
        for await (const event of events) process.stdout.write(`${eventLine(event)}\n`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }),
  );
}
