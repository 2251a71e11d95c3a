import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAgentspan, startServe, type ServeProcess } from './agentspan-process.js';

describe('agentspan risk-profiles through the API against agentspan serve', () => {
  let dir: string;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-risk-profiles-'));
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

  it('creates from flags and from a file, lists, shows, updates and archives', async () => {
    const fromFlags = await runAgentspan(
      [
        'risk-profiles',
        'create',
        '--name',
        'Support',
        '--thresholds',
        '10,20,40',
        '--category',
        'contact_information=4',
        '--action',
        'read_data=1.5',
        '--json',
      ],
      env,
    );
    assert.equal(fromFlags.code, 0, fromFlags.stderr);
    const support = JSON.parse(fromFlags.stdout);
    assert.deepEqual(support.categories.contact_information, { weight: 4, included: true });
    assert.deepEqual(support.actions.read_data, { multiplier: 1.5, included: true });
    assert.deepEqual(support.thresholds, { medium: 10, high: 20, critical: 40 });

    const file = join(dir, 'strict.json');
    await writeFile(
      file,
      JSON.stringify({
        details: { name: 'Strict', thresholds: { medium: 1, high: 2, critical: 3 }, categories: { minors_data: { weight: 10, included: true } } },
      }),
    );
    const fromFile = await runAgentspan(['risk-profiles', 'create', '--file', file], env);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const strictId = /^created risk profile (\S+) \(Strict\)$/.exec(fromFile.stdout.trim())?.[1];
    assert.ok(strictId, fromFile.stdout);

    const listed = await runAgentspan(['risk-profiles', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+NAME\s+AGENTS\s+MEDIUM \/ HIGH \/ CRITICAL\s+ARCHIVED \(UTC\)$/);
    assert.match(rows[0]!, new RegExp(`^${support.id}\\s+Support\\s+0\\s+10 / 20 / 40\\s+-$`));
    assert.equal(rows.length, 2);

    const shown = await runAgentspan(['risk-profiles', 'show', strictId], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^Strict \(/);
    assert.match(shown.stdout, /Sensitive data:\n {2}minors_data {2}weight 10\n/);
    assert.match(shown.stdout, /actions allowed: none/);

    const updated = await runAgentspan(
      ['risk-profiles', 'update', support.id, '--thresholds', '10,30,60', '--description', 'tickets', '--json'],
      env,
    );
    assert.equal(updated.code, 0, updated.stderr);
    const after = JSON.parse(updated.stdout);
    assert.deepEqual([after.thresholds.high, after.description, after.categories.contact_information.weight], [30, 'tickets', 4]);

    const archived = await runAgentspan(['risk-profiles', 'archive', strictId], env);
    assert.equal(archived.code, 0, archived.stderr);
    assert.equal(archived.stdout.trim(), `archived risk profile ${strictId} (Strict)`);
    const live = await runAgentspan(['risk-profiles', 'list', '--json'], env);
    assert.deepEqual(
      live.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).id),
      [support.id],
    );
    const all = await runAgentspan(['risk-profiles', 'list', '--archived', '--json'], env);
    assert.equal(all.stdout.trimEnd().split('\n').length, 2);
  });

  it('says what is wrong: the server’s message, or the flag', async () => {
    const before = (await runAgentspan(['risk-profiles', 'list', '--archived', '--json'], env)).stdout;
    const refused = await runAgentspan(['risk-profiles', 'create', '--name', 'Bad', '--thresholds', '10,5,40'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /details\.thresholds\.high must be greater than medium/);
    const unknown = await runAgentspan(['risk-profiles', 'create', '--name', 'Bad', '--thresholds', '1,2,3', '--category', 'shoe_size=3'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /details\.categories\.shoe_size/);
    const flag = await runAgentspan(['risk-profiles', 'create', '--name', 'Bad', '--thresholds', '1,2'], env);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /expected three numbers medium,high,critical/);
    const missing = await runAgentspan(['risk-profiles', 'show', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /risk profile nope was not found/);
    const listed = await runAgentspan(['risk-profiles', 'list', '--archived', '--json'], env);
    assert.equal(listed.stdout, before, 'nothing refused was stored');
  });
});
