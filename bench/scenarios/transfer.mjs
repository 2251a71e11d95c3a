// Memory of agentspan export and import on a large store: each in a fresh process, its peak RSS
// growth while it streams 10⁶ spans (10⁵ with --quick) to a file and back into a new store.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TRANSFER_PROCESS = fileURLToPath(new URL('../lib/transfer-process.mjs', import.meta.url));
const round1 = (n) => Math.round(n * 10) / 10;

export default {
  name: 'transfer',
  title: 'export and import of a large store: peak RSS growth of each',
  needs: ['server'],
  figures: ['export_rss_growth_mib', 'import_rss_growth_mib'],
  async run(ctx) {
    if (!ctx.has('server')) return;
    const spans = ctx.options.quick ? 100_000 : 1_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'agentspan-bench-transfer-'));
    try {
      const child = (label) => ctx.startScoped(TRANSFER_PROCESS, { label, execArgv: ['--expose-gc'] });
      const source = join(dir, 'source');
      const file = join(dir, 'export.ndjson');
      await (await child('seed')).call('seed', { dataDir: source, spans });
      const exported = await (await child('export')).call('exportTo', { dataDir: source, file });
      const imported = await (await child('import')).call('importFrom', { dataDir: join(dir, 'target'), file });
      const mib = (statSync(file).size / 2 ** 20).toFixed(0);
      ctx.measurement('export spans', [{ perSecond: spans / (exported.ms / 1000) }], { ...exported, bySecond: undefined });
      ctx.measurement('import spans', [{ perSecond: spans / (imported.ms / 1000) }], { ...imported, report: undefined, bySecond: undefined });
      if (imported.report.inserted.span !== spans) throw new Error(`imported ${imported.report.inserted.span} of ${spans} spans`);
      const note = (what, r) =>
        `${spans} spans in ${spans / 1000} instances, a ${mib} MiB file; ${what} in ${r.ms} ms from a process of ${round1(r.startMiB)} MiB RSS, sampled every 5 ms; growth MiB at each second: ${r.bySecond.join(', ')}`;
      console.log(`  export: ${note('exported', exported)}`);
      console.log(`  import: ${note('checked and imported', imported)}`);
      ctx.figure('export_rss_growth_mib', round1(exported.peakGrowthMiB), note('exported', exported));
      ctx.figure('import_rss_growth_mib', round1(imported.peakGrowthMiB), note('checked and imported', imported));
    } finally {
      await ctx.endScenario();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
