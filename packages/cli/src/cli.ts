#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { demoCommand } from './commands/demo.js';
import { serveCommand } from './commands/serve.js';
import { tokensCommand } from './commands/tokens.js';
import { agentsCommand } from './commands/agents.js';
import { instancesCommand } from './commands/instances.js';
import { spansCommand } from './commands/spans.js';
import { tailCommand } from './commands/tail.js';
import { purgeCommand } from './commands/purge.js';
import { backupCommand } from './commands/backup.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { pricesCommand } from './commands/prices.js';
import { riskProfilesCommand } from './commands/risk-profiles.js';
import { alertsCommand } from './commands/alerts.js';
import { setupCommand } from './commands/setup.js';
import { statsCommand } from './commands/stats.js';

const program = new Command('agentspan')
  .description('agentspan: a self-hostable store for agent spans that speaks the Prefactor API')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride()
  .addCommand(serveCommand())
  .addCommand(tokensCommand())
  .addCommand(demoCommand())
  .addCommand(agentsCommand())
  .addCommand(instancesCommand())
  .addCommand(spansCommand())
  .addCommand(riskProfilesCommand())
  .addCommand(alertsCommand())
  .addCommand(pricesCommand())
  .addCommand(statsCommand())
  .addCommand(tailCommand())
  .addCommand(purgeCommand())
  .addCommand(backupCommand())
  .addCommand(exportCommand())
  .addCommand(importCommand())
  .addCommand(setupCommand());

for (const command of program.commands.concat(program.commands.flatMap((c) => c.commands))) {
  command.showHelpAfterError('(add --help for usage)').exitOverride();
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  process.stderr.write(`agentspan: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
