import { Command, InvalidArgumentError, Option } from 'commander';
import type { Alert } from '@agentspan/client';
import { ALERT_STATUSES, type AlertStatus } from '@agentspan/protocol';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';
import { alignedTable, timeText } from '../terminal/text-table.js';

interface AlertFlags extends ApiFlags {
  status?: AlertStatus;
  agent?: string;
  ack?: string;
  note?: string;
  json?: boolean;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function status(value: string): AlertStatus {
  if (!(ALERT_STATUSES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${ALERT_STATUSES.join(', ')}, got "${value}"`);
  }
  return value as AlertStatus;
}

/** What an alert is about, in a few words: the run's level and score, or what a span type exceeds. */
const about = (alert: Alert) =>
  alert.type === 'run_risk'
    ? `run ${alert.agent_instance_id ?? '-'}: ${alert.risk_level ?? '-'} (${alert.risk_score ?? '-'})`
    : `${alert.span_type ?? '-'} declares ${alert.exceeds ? `${alert.exceeds.kind} ${alert.exceeds.name}` : '-'}`;

/** `agentspan alerts`: the account's alerts as a table (or JSON lines), newest first; `--ack <id>` acknowledges one. */
export function alertsCommand(): Command {
  const command = new Command('alerts')
    .description("the account's alerts (runs at high or critical risk, declarations beyond the agreed risk); --ack acknowledges one")
    .addOption(new Option('--status <status>', 'only open or only acknowledged alerts').argParser(status))
    .option('--agent <id>', "only this agent's alerts")
    .option('--ack <id>', 'acknowledge this alert instead of listing')
    .option('--note <text>', 'with --ack: a note kept with the acknowledgement')
    .option('--json', 'JSON lines instead of a table (with --ack: the alert as JSON)');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((flags: AlertFlags) =>
    withClient(flags, async (client) => {
      if (flags.note !== undefined && flags.ack === undefined)
        throw new Error('--note goes with --ack <id>: the note is kept with the acknowledgement');
      if (flags.ack !== undefined) {
        const alert = await client.alerts.acknowledge(flags.ack, flags.note === undefined ? {} : { note: flags.note });
        say(flags.json ? JSON.stringify(alert, null, 2) : `acknowledged alert ${alert.id}: ${alert.message}`);
        return;
      }
      const found: Alert[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await client.alerts.list({
          offset,
          page_size: 100,
          ...(flags.status === undefined ? {} : { status: flags.status }),
          ...(flags.agent === undefined ? {} : { agent_id: flags.agent }),
        });
        found.push(...page);
        if (page.length < 100) break;
      }
      if (flags.json) for (const alert of found) say(JSON.stringify(alert));
      else if (found.length === 0) say('no alerts');
      else {
        const rows = found.map((a) => [a.id, a.status, timeText(a.opened_at), a.type, a.agent_id, about(a)]);
        say(alignedTable([['ID', 'STATUS', 'OPENED (UTC)', 'TYPE', 'AGENT', 'WHAT'], ...rows]));
      }
    }),
  );
}
