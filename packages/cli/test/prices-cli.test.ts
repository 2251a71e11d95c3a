import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

describe('agentspan prices through the API against agentspan serve', () => {
  let dir: string;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-prices-'));
    serve = await startServe(['--data-dir', join(dir, 'store')]);
    const issued = await runAgentspan(['tokens', 'create', '--data-dir', join(dir, 'store'), '--scope', 'account']);
    assert.equal(issued.code, 0, issued.stderr);
    env = { PREFACTOR_API_URL: serve.url, PREFACTOR_API_TOKEN: issued.stdout.trim() };
  });

  after(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  const listedJson = async () =>
    (await runAgentspan(['prices', 'list', '--json'], env)).stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { model: string; source: string; input: number; output: number; reasoning: number | null });

  it('lists the shipped table, sets, overrides and unsets a price', async () => {
    const table = await runAgentspan(['prices'], env);
    assert.equal(table.code, 0, table.stderr);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    assert.match(header!, /^MODEL\s+SOURCE\s+INPUT\s+OUTPUT\s+CACHE READ\s+CACHE WRITE\s+REASONING$/);
    assert.ok(
      rows.some((row) => /^gpt-4o-mini\s+shipped\s+0\.15\s+0\.6\s+0\.075\s+0\.15\s+-$/.test(row)),
      table.stdout,
    );

    const added = await runAgentspan(['prices', 'set', 'my-fine-tune', '--input', '0.5', '--output', '1.5', '--reasoning', '3'], env);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^set my-fine-tune \(account\): input 0\.5, output 1\.5 USD per million tokens\n/);
    assert.match(added.stdout, /re-prices every stored usage of the model, past runs included/);

    const override = await runAgentspan(['prices', 'set', 'gpt-4o', '--input', '2', '--output', '9', '--json'], env);
    assert.equal(override.code, 0, override.stderr);
    const change = JSON.parse(override.stdout);
    assert.deepEqual([change.details.source, change.details.overrides_shipped, change.reprices_history], ['account', true, true]);

    const listed = await listedJson();
    assert.deepEqual(
      listed.filter((p) => p.model === 'gpt-4o' || p.model === 'my-fine-tune').map((p) => [p.model, p.source, p.input, p.reasoning]),
      [
        ['gpt-4o', 'account', 2, null],
        ['my-fine-tune', 'account', 0.5, 3],
      ],
    );

    const unset = await runAgentspan(['prices', 'unset', 'gpt-4o'], env);
    assert.equal(unset.code, 0, unset.stderr);
    assert.match(unset.stdout, /^unset gpt-4o \(shipped\): input 2\.5, output 10 USD per million tokens\n/);
    const unpriced = await runAgentspan(['prices', 'unset', 'my-fine-tune'], env);
    assert.match(unpriced.stdout, /^unset my-fine-tune: it has no price now, so its tokens are unpriced/);
    assert.ok((await listedJson()).every((p) => p.source === 'shipped'));
  });

  it('says what is wrong: the server’s message, or the flag', async () => {
    const before = await listedJson();
    const negative = await runAgentspan(['prices', 'set', 'acme', '--input', '-1', '--output', '2'], env);
    assert.equal(negative.code, 1);
    assert.match(negative.stderr, /details\.input must be >= 0/);
    const text = await runAgentspan(['prices', 'set', 'acme', '--input', 'cheap', '--output', '2'], env);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /expected a number of USD per million tokens such as 2\.5, got "cheap"/);
    const missing = await runAgentspan(['prices', 'set', 'acme', '--input', '1'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--output <usd>/);
    const none = await runAgentspan(['prices', 'unset', 'acme'], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /account price for model acme was not found/);
    assert.deepEqual(await listedJson(), before, 'nothing refused was stored');
  });
});
