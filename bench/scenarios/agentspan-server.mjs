// Starting the server under test for a scenario, and the agent instance spans are sent to.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summariseCpuProfile } from '../lib/cpu-profile.mjs';

const PROCESS = fileURLToPath(new URL('./agentspan-server-process.mjs', import.meta.url));
const PROFILE_DIR = fileURLToPath(new URL('../results/profiles/', import.meta.url));

/** Starts the server on `store` ('sqlite' | 'postgres'); with --profile, under --cpu-prof. */
export async function startAgentspanServer(ctx, { store = 'sqlite', databaseUrl } = {}) {
  const name = `${ctx.scenario}-${store}`;
  let execArgv = [];
  if (ctx.options.profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    execArgv = ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}.cpuprofile`];
  }
  const afterStop = async () => {
    if (ctx.options.profile) ctx.results.profiles[name] = summariseCpuProfile(`${PROFILE_DIR}${name}.cpuprofile`);
  };
  return ctx.startScoped(PROCESS, { args: [JSON.stringify({ store, databaseUrl })], execArgv, label: `server (${store})` }, afterStop);
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
export async function startedInstance({ url, token }) {
  const registered = await post(url, token, '/api/v1/agent_instance/register', REGISTER_BODY);
  const id = registered.details.id;
  await post(url, token, `/api/v1/agent_instance/${id}/start`, {});
  return id;
}

export { post };
