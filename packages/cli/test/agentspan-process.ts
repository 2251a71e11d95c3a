import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const NODE_ARGS = ['--conditions=source', '--import', 'tsx', CLI];

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `agentspan …args` to completion. */
export async function runAgentspan(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  const child = spawnAgentspan(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

export function spawnAgentspan(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return spawn(process.execPath, [...NODE_ARGS, ...args], { env: { ...inherited, ...env } });
}

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** The token printed on a store's first start, if this was one. */
  firstToken?: string;
  /** Everything printed on stdout so far. */
  output(): string;
  exited: Promise<Finished>;
}

/** Starts `agentspan serve --port 0 …args` and resolves once it prints where it listens. */
export async function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawnAgentspan(['serve', '--port', '0', '--log-level', 'warn', ...args], env);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    void exited.then((f) => reject(new Error(`agentspan serve exited (${f.code ?? f.signal}): ${f.stderr}`)));
  });
  // After the listening line serve always writes either the first start's token or where to get
  // one; each is its own write, so on a busy machine it can arrive well after the listening line.
  for (let waited = 0; !/API token[^:]*: \S+\n|Need a token\?/.test(stdout) && waited < 10_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const firstToken = /API token[^:]*: (\S+)/.exec(stdout)?.[1];
  return { child, url, firstToken, output: () => stdout, exited };
}
