import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportLines, type ExportSelection } from '../src/domain/transfer/export-rows.js';
import { importFile, ImportRefused } from '../src/domain/transfer/import-rows.js';
import type { Store } from '../src/index.js';
import type { AgentVersionRecord } from '../src/store/records.js';
import { ENGINES } from './engines.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { oldInstance } from './old-instances.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-transfer-'));
after(() => rm(scratch, { recursive: true, force: true }));
let files = 0;

async function exportText(store: Store, selection: ExportSelection = {}) {
  let text = '';
  for await (const chunk of exportLines(store, selection)) text += chunk;
  return text;
}
const rowsOf = (text: string) => text.split('\n').filter(Boolean).slice(1);
async function exportFile(store: Store, selection: ExportSelection = {}) {
  const file = join(scratch, `export-${++files}.ndjson`);
  await writeFile(file, await exportText(store, selection));
  return file;
}

/** An instance whose spans start in another order than they nest: a child started before its parent. */
async function instanceWithLateParent(server: Server, account: Account) {
  const id = await openInstance(server, account);
  const span = async (startedAt: string, parent?: string) => {
    const created = await createSpan(server, account, {
      agent_instance_id: id,
      schema_name: 'agent:llm',
      status: 'active',
      payload: llmPayload('late parent'),
      started_at: startedAt,
      ...(parent ? { parent_span_id: parent } : {}),
    });
    assert.equal(created.status, 201, created.text);
    return created.body.details.id as string;
  };
  const root = await span('2026-01-01T00:00:09.000000Z');
  const middle = await span('2026-01-01T00:00:05.000000Z', root);
  await span('2026-01-01T00:00:01.000000Z', middle);
  await span('2026-01-01T00:00:02.000000Z', root);
  return id;
}

function assertDependencyOrder(text: string) {
  const seen = new Set<string>();
  const lines = rowsOf(text).map((line) => JSON.parse(line) as Record<string, string | null>);
  const order = [
    'account',
    'environment',
    'risk_profile',
    'model_price',
    'agent',
    'schema_version',
    'agent_version',
    'deployment',
    'deployment_version',
    'token',
  ];
  let rank = 0;
  for (const line of lines) {
    const kind = line.type!;
    if (order.includes(kind)) {
      assert.ok(order.indexOf(kind) >= rank, `${kind} after a later kind`);
      rank = order.indexOf(kind);
    }
    if (kind === 'agent_instance') seen.add(`i:${line.id}`);
    if (kind === 'span') {
      assert.ok(seen.has(`i:${line.agent_instance_id}`), 'a span after its instance');
      if (line.parent_span_id) assert.ok(seen.has(`s:${line.parent_span_id}`), `span ${line.id} before its parent ${line.parent_span_id}`);
      seen.add(`s:${line.id}`);
    }
  }
}

for (const source of ENGINES) {
  describe(`export and import (${source.name} →)`, () => {
    let server: Server;
    let account: Account;
    let lateParent: string;
    let old: string;
    before(async () => {
      server = await startServer(source);
      account = await newAccount(server);
      lateParent = await instanceWithLateParent(server, account);
      old = await oldInstance(server, account, 3);
      assert.equal((await call(server, account.token, 'POST', `/api/v1/agent_instance/${lateParent}/finish`, {})).status, 200);
      const staging = { details: { name: 'staging', purpose: 'staging', description: 'pre-release' } };
      assert.equal((await call(server, account.accountToken, 'POST', '/api/v1/environment', staging)).status, 201);
      // A risk profile, archived, still assigned to the agent: profiles travel, and before the agents naming them.
      const profile = {
        details: { id: 'strict', name: 'Strict', thresholds: { medium: 1, high: 2, critical: 3 }, categories: { minors_data: { weight: 9 } } },
      };
      assert.equal((await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', profile)).status, 201);
      const assigned = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${account.agentId}`, {
        details: { risk_profile_id: 'strict' },
      });
      assert.equal(assigned.status, 200, assigned.text);
      assert.equal((await call(server, account.accountToken, 'DELETE', '/api/v1/risk_profile/strict')).status, 200);
      // An account's own model price travels with it.
      const price = { details: { input: 0.5, output: 1.5, cache_read: 0.05 } };
      assert.equal((await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/my-fine-tune', price)).status, 200);
    });
    after(() => server.close());

    it('exports every row kind once, in dependency order (a parent before a child started earlier)', async () => {
      const text = await exportText(server.store);
      assert.match(text.split('\n')[0]!, /^\{"type":"agentspan-export","version":1,"exported_at":"\d{4}-.*Z"\}$/);
      assertDependencyOrder(text);
      const kinds = rowsOf(text).map((line) => (JSON.parse(line) as { type: string }).type);
      for (const kind of [
        'account',
        'environment',
        'risk_profile',
        'model_price',
        'agent',
        'schema_version',
        'agent_version',
        'deployment',
        'deployment_version',
        'token',
      ])
        assert.ok(kinds.includes(kind), kind);
      assert.equal(kinds.filter((k) => k === 'agent_instance').length, 2);
      assert.equal(kinds.filter((k) => k === 'span').length, 7);
      assert.ok(!text.includes(account.token) && !text.includes(account.accountToken), 'tokens travel as hashes only');
    });

    it('carries each environment’s purpose and description, and reads files made before them as the migration does', async () => {
      const text = await exportText(server.store);
      const environments = rowsOf(text)
        .map((line) => JSON.parse(line) as Record<string, string | null>)
        .filter((line) => line.type === 'environment' && line.account_id === account.accountId);
      assert.deepEqual(environments.map((e) => [e.name, e.purpose, e.description, typeof e.updated_at]).sort(), [
        ['default', 'production', null, 'string'],
        ['staging', 'staging', 'pre-release', 'string'],
      ]);
      // An export made before environments had these columns: the migration's values.
      const older = text
        .split('\n')
        .map((line) => {
          if (!line.startsWith('{"type":"environment"')) return line;
          const { purpose: _p, description: _d, updated_at: _u, ...rest } = JSON.parse(line) as Record<string, unknown>;
          return JSON.stringify(rest);
        })
        .join('\n');
      const { store, cleanup } = await source.open();
      try {
        const file = join(scratch, 'before-purposes.ndjson');
        await writeFile(file, older);
        await importFile(store, file);
        assert.deepEqual(
          (await store.read((tx) => tx.listEnvironments(account.accountId)))
            .map((e) => [e.name, e.purpose, e.description, e.updated_at === e.inserted_at])
            .sort(),
          [
            ['default', 'production', null, true],
            ['staging', 'production', null, true],
          ],
        );
        const bad = join(scratch, 'bad-purpose.ndjson');
        await writeFile(bad, text.replace('"purpose":"staging"', '"purpose":"live"'));
        const fresh = await source.open();
        try {
          await assert.rejects(
            importFile(fresh.store, bad),
            /\(environment\) purpose: must be one of development, staging, testing, production, not "live"/,
          );
        } finally {
          await fresh.cleanup();
        }
      } finally {
        await cleanup();
      }
    });

    it('--instance and --since choose instances', async () => {
      const one = rowsOf(await exportText(server.store, { instanceId: old })).map((line) => JSON.parse(line) as { type: string; id: string });
      assert.deepEqual(
        one.filter((l) => l.type === 'agent_instance').map((l) => l.id),
        [old],
      );
      assert.equal(one.filter((l) => l.type === 'span').length, 3);
      const recent = rowsOf(await exportText(server.store, { since: '2025-01-01T00:00:00.000000Z' })).map(
        (line) => JSON.parse(line) as { type: string; id: string },
      );
      assert.deepEqual(
        recent.filter((l) => l.type === 'agent_instance').map((l) => l.id),
        [lateParent],
      );
      await assert.rejects(exportText(server.store, { instanceId: 'nope' }), /no agent instance nope in this store/);
    });

    for (const target of ENGINES) {
      it(`imports into ${target.name} exactly, and a second import changes nothing`, async () => {
        const { store, cleanup } = await target.open();
        try {
          const original = await exportText(server.store);
          const file = await exportFile(server.store);
          const first = await importFile(store, file);
          assert.equal(first.present, 0);
          assert.equal(first.inserted.span, 7);
          assert.equal(first.inserted.agent_instance, 2);
          const deployment = account.deploymentId;
          const history = await server.store.read((tx) => tx.listDeploymentVersions(account.accountId, deployment));
          assert.ok(history.length >= 2, 'the bootstrap deployment was made, then moved to a version');
          assert.deepEqual(await store.read((tx) => tx.listDeploymentVersions(account.accountId, deployment)), history);
          const copied = await exportText(store);
          assert.deepEqual(rowsOf(copied), rowsOf(original));
          assert.deepEqual(await store.read((tx) => tx.spanCounts(account.accountId, old)), { active: 3 });
          const second = await importFile(store, file);
          assert.deepEqual(second.inserted, Object.fromEntries(Object.keys(first.inserted).map((kind) => [kind, 0])));
          assert.equal(second.present, second.lines);
          assert.deepEqual(rowsOf(await exportText(store)), rowsOf(original), 'importing twice changes nothing');
          // And back: the copy exported and imported into a fresh store of the source's engine.
          const back = await source.open();
          try {
            await importFile(back.store, await exportFile(store));
            assert.deepEqual(rowsOf(await exportText(back.store)), rowsOf(original));
          } finally {
            await back.cleanup();
          }
        } finally {
          await cleanup();
        }
      });
    }

    it('refuses a file with bad lines, naming each by number, and writes nothing', async () => {
      const { store, cleanup } = await source.open();
      try {
        const lines = (await readFile(await exportFile(server.store), 'utf8')).split('\n');
        const agentLine = lines.findIndex((line) => line.startsWith('{"type":"agent"'));
        const spanLine = lines.findIndex((line) => line.startsWith('{"type":"span"'));
        const bad = [...lines];
        bad[1] = '{"type":"account", "id": ';
        bad[agentLine] = bad[agentLine]!.replace('"status":"active"', '"status":"sleeping"');
        bad[spanLine] = JSON.stringify({ ...JSON.parse(bad[spanLine]!), payload_json: '{not json', started_at: 'yesterday', extra: 1 });
        const file = join(scratch, 'bad.ndjson');
        await writeFile(file, bad.join('\n'));
        const before = await exportText(store);
        await assert.rejects(importFile(store, file), (error: Error) => {
          assert.ok(error instanceof ImportRefused);
          assert.match(error.message, /has 3 bad lines; nothing was imported/);
          assert.match(error.message, /line 2: is not JSON/);
          assert.match(
            error.message,
            new RegExp(`line ${agentLine + 1}: \\(agent\\) status: must be one of pending, active, dormant, retired, not "sleeping"`),
          );
          assert.match(
            error.message,
            new RegExp(
              `line ${spanLine + 1}: \\(span\\) extra: is not a span field; payload_json: must be JSON text; started_at: must be a UTC time`,
            ),
          );
          return true;
        });
        assert.deepEqual(rowsOf(await exportText(store)), rowsOf(before));
        const priceLine = lines.findIndex((line) => line.startsWith('{"type":"model_price"'));
        const badPrice = [...lines];
        badPrice[priceLine] = JSON.stringify({ ...JSON.parse(lines[priceLine]!), prices_json: '{"input":"cheap","output":1}' });
        await writeFile(file, badPrice.join('\n'));
        await assert.rejects(importFile(store, file), /\(model_price\) prices_json: input must be a number >= 0/);
        assert.deepEqual(rowsOf(await exportText(store)), rowsOf(before));
        await writeFile(file, '{"type":"something else"}\n');
        await assert.rejects(importFile(store, file), /line 1: is not an agentspan export header/);
      } finally {
        await cleanup();
      }
    });

    it('refuses rows naming an account, agent or instance neither earlier in the file nor in the store, and takes those the store has', async () => {
      const { store, cleanup } = await source.open();
      try {
        const [header, ...rows] = (await readFile(await exportFile(server.store), 'utf8')).split('\n').filter(Boolean);
        const parsed = rows.map((line) => JSON.parse(line) as Record<string, string | null>);
        const oldSpans = rows.filter((_, i) => parsed[i]!.type === 'span' && parsed[i]!.agent_instance_id === old);
        const spansOnly = join(scratch, 'spans-only.ndjson');
        await writeFile(spansOnly, [header, ...oldSpans].join('\n'));
        const firstSpan = JSON.parse(oldSpans[0]!) as { id: string };
        await assert.rejects(importFile(store, spansOnly), (error: Error) => {
          // Three spans, each naming an account, an agent and an instance that are not there.
          assert.match(error.message, /^lines 2–4 were not imported: 9 references to rows that are not there; nothing was imported:/);
          assert.match(
            error.message,
            new RegExp(
              `line 2: \\(span ${firstSpan.id}\\) account_id names account ${account.accountId}, which is neither earlier in the file nor in this store`,
            ),
          );
          assert.match(
            error.message,
            new RegExp(`line 2: \\(span ${firstSpan.id}\\) agent_instance_id names agent_instance ${old} of account ${account.accountId},`),
          );
          return true;
        });
        assert.deepEqual(rowsOf(await exportText(store)), [], 'nothing was written');

        // Everything but those spans, then the spans alone: their references are in the store now.
        const rest = join(scratch, 'rest.ndjson');
        await writeFile(rest, [header, ...rows.filter((line) => !oldSpans.includes(line))].join('\n'));
        await importFile(store, rest);
        assert.equal((await importFile(store, spansOnly)).inserted.span, 3);
        assert.deepEqual(await store.read((tx) => tx.spanCounts(account.accountId, old)), { active: 3 });

        // A span moved to another account: its instance is not that account's, and the account is not there.
        const before = await exportText(store);
        const stray = join(scratch, 'stray.ndjson');
        const moved = { ...(JSON.parse(oldSpans[0]!) as object), id: 'stray-span', account_id: 'another-account' };
        await writeFile(stray, [header, ...rows, JSON.stringify(moved)].join('\n'));
        await assert.rejects(
          importFile(store, stray),
          new RegExp(`line ${rows.length + 2}: \\(span stray-span\\) account_id names account another-account`),
        );
        assert.deepEqual(rowsOf(await exportText(store)), rowsOf(before), 'the store is as it was');
      } finally {
        await cleanup();
      }
    });

    it('a row colliding on a natural key stops the import with the lines refused, leaving the store as it was', async () => {
      const { store, cleanup } = await source.open();
      try {
        const file = await exportFile(server.store);
        const version = rowsOf(await readFile(file, 'utf8'))
          .map((line) => JSON.parse(line) as Record<string, string | null>)
          .find((line) => line.type === 'agent_version' && line.external_identifier !== null);
        assert.ok(version, 'the export has an agent version with an external identifier');
        await store.write(async (tx) => {
          await tx.insertAccount({ id: version.account_id!, name: 'mine', inserted_at: version.inserted_at! });
          const { type: _type, ...row } = version;
          await tx.ensureAgentVersion({ ...(row as unknown as AgentVersionRecord), id: 'a-different-version' });
        });
        const before = await exportText(store);
        await assert.rejects(importFile(store, file), /lines 2–\d+ were refused by the store \(.*\); nothing was imported/);
        assert.deepEqual(rowsOf(await exportText(store)), rowsOf(before));
      } finally {
        await cleanup();
      }
    });
  });
}
