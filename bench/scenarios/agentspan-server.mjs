// Starting the server under test for a scenario, and the agent instance spans are sent to.
import { fileURLToPath } from 'node:url';
import { profiling } from '../lib/cpu-profile.mjs';

const PROCESS = fileURLToPath(new URL('./agentspan-server-process.mjs', import.meta.url));

/**
 * Starts the server on `store` ('sqlite' | 'postgres'); with --profile, under --cpu-prof, its
 * profile named by the scenario, the store and `role` (for a scenario that runs two servers), with
 * `env` added to its environment.
 */
export async function startAgentspanServer(ctx, { store = 'sqlite', databaseUrl, role, env } = {}) {
  const { execArgv, afterStop } = profiling(ctx, `server-${ctx.scenario}-${store}${role ? `-${role}` : ''}`);
  const label = `server (${store}${role ? `, ${role}` : ''})`;
  return ctx.startScoped(PROCESS, { args: [JSON.stringify({ store, databaseUrl })], execArgv, env, label }, afterStop);
}

async function post(url, token, path, body) {
  const response = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

export const REGISTER_BODY = {
  agent_version: { name: 'bench agent', external_identifier: 'bench-agent-v1' },
  agent_schema_version: { external_identifier: 'bench-schema-v1' },
  update_current_version: true,
};

/** Registers and starts an agent instance through the API; answers its id. */
export async function startedInstance(info) {
  return (await startedInstanceRecord(info)).id;
}

/** The same, answering the instance (`id`, `account_id`, `agent_id`, …). */
export async function startedInstanceRecord({ url, token }) {
  const registered = await post(url, token, '/api/v1/agent_instance/register', REGISTER_BODY);
  const { id } = registered.details;
  return (await post(url, token, `/api/v1/agent_instance/${id}/start`, {})).details;
}

export { post };
