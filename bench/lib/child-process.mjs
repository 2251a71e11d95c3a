// Every measured party (server under test, baseline server, load generator, client driver)
// runs in its own Node process so that none of them shares an event loop with another.
// Parent and child talk over the IPC channel with numbered request/reply messages.
import { fork } from 'node:child_process';
import process from 'node:process';

/**
 * Starts `modulePath` as a child process and waits for its `ready` message.
 * @returns {Promise<{ pid: number, info: any, call: (cmd: string, args?: any) => Promise<any>, stop: () => Promise<void>, rssMiB: () => Promise<number> }>}
 */
export async function startChild(modulePath, { args = [], env = {}, execArgv = [], label = modulePath } = {}) {
  const child = fork(modulePath, args, {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      const why = new Error(`${label} exited (code ${code}, signal ${signal})`);
      for (const { reject } of pending.values()) reject(why);
      pending.clear();
      resolve();
    });
  });
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${label} exited with code ${code} before it was ready`)));
    child.on('message', (msg) => {
      if (msg?.type === 'ready') resolve(msg.info);
      else if (msg?.type === 'failed') reject(new Error(`${label} failed to start: ${msg.error}`));
      else if (msg?.type === 'reply') {
        const waiter = pending.get(msg.id);
        if (!waiter) return;
        pending.delete(msg.id);
        if (msg.error) waiter.reject(new Error(`${label}: ${msg.error}`));
        else waiter.resolve(msg.value);
      }
    });
  });
  const info = await ready;
  const call = (cmd, callArgs) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${label} is not running`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ type: 'call', id, cmd, args: callArgs });
    });
  return {
    pid: child.pid,
    info,
    call,
    rssMiB: async () => (await call('memory')).rss / 2 ** 20,
    // A child exits on its own after `stop` (so a --cpu-prof profile gets written); kill it if it does not.
    stop: async () => {
      if (exited) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * The child side: runs `setup()`, reports `ready` with what it returns, then answers calls
 * with `handlers[cmd](args)`. `teardown()` runs on `stop`, then the process exits.
 */
export async function serveParent({ setup, handlers = {}, teardown = async () => {} }) {
  let info;
  try {
    info = await setup();
  } catch (error) {
    process.send({ type: 'failed', error: error?.stack ?? String(error) });
    process.exit(1);
  }
  const all = { memory: async () => process.memoryUsage(), ...handlers };
  process.on('message', async (msg) => {
    if (msg?.type === 'stop') {
      await teardown();
      process.exit(0);
    }
    if (msg?.type !== 'call') return;
    const handler = all[msg.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${msg.cmd}`);
      process.send({ type: 'reply', id: msg.id, value: await handler(msg.args) });
    } catch (error) {
      process.send({ type: 'reply', id: msg.id, error: error?.stack ?? String(error) });
    }
  });
  // Exit with the parent, never outlive it.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', info });
}
