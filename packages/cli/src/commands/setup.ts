import { Command } from 'commander';
import type { PrefactorHttpClient } from '@agentspan/client';
import { chooseDeployment } from '@agentspan/protocol';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';

interface SetupFlags extends ApiFlags {
  environment?: string;
}

/** What the SDKs read for the agent's version when nothing else names it, as `prefactor setup` prints it. */
const DEFAULT_AGENT_IDENTIFIER = '1.0.0';

const say = (text: string) => process.stdout.write(`${text}\n`);
const note = (text: string) => process.stderr.write(`${text}\n`);

/**
 * The environment the agent's token is for: the one asked for; else its only deployment's, or the
 * only one with a current version; else, for an agent never deployed, the account's first
 * environment (a deployment is made there with the token). Several candidates are refused with the
 * list, so the user picks rather than a token landing in the wrong environment.
 */
async function chooseEnvironment(client: PrefactorHttpClient, agentId: string, asked: string | undefined): Promise<string> {
  if (asked) return asked;
  const deployments = await client.agentDeployments.list({ agent_id: agentId });
  const chosen = chooseDeployment(deployments);
  if (chosen) return chosen.environment_id;
  if (deployments.length > 1) {
    const listed = deployments.map((d) => `${d.environment_id} (deployment ${d.id})`).join(', ');
    throw new Error(`agent ${agentId} is deployed in several environments: ${listed}; pass --environment <id> to choose one`);
  }
  const [environment] = await client.environments.list();
  if (!environment) throw new Error('this account has no environment; create one first (POST /api/v1/environment)');
  note(`agent ${agentId} had no deployment: its token makes one in environment ${environment.name} (${environment.id})`);
  return environment.id;
}

/** `agentspan setup <agent>`: a deployment token for an agent, printed as the variables the SDKs read. */
export function setupCommand() {
  const command = new Command('setup')
    .description("print what an agent's SDK needs to send spans here: a new deployment token for the agent, as environment variables")
    .argument('<agent-id>')
    .option('--environment <environment-id>', "the environment the agent runs in (default: the agent's deployment's)");
  for (const option of apiOptions()) command.addOption(option);
  return command.action((agentId: string, flags: SetupFlags) =>
    withClient(flags, async (client) => {
      // Read first: an unknown agent is refused before anything is made.
      await client.agents.get(agentId);
      const environmentId = await chooseEnvironment(client, agentId, flags.environment);
      const created = await client.apiTokens.create({ token_scope: 'agent_deployment', agent_id: agentId, environment_id: environmentId });
      say(`PREFACTOR_API_URL=${flags.url ?? process.env.PREFACTOR_API_URL}`);
      say(`PREFACTOR_API_TOKEN=${created.token}`);
      say(`PREFACTOR_AGENT_ID=${agentId}`);
      say(`PREFACTOR_AGENT_IDENTIFIER=${DEFAULT_AGENT_IDENTIFIER}`);
    }),
  );
}
