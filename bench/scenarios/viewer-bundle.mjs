// The JavaScript a browser downloads for the viewer: the app bundle `npm run build` writes to
// packages/viewer/dist/assets (minified ESM, Preact included), gzipped as a server would send it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ASSETS = fileURLToPath(new URL('../../packages/viewer/dist/assets/', import.meta.url));
const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

export default {
  name: 'viewer_bundle',
  title: 'the viewer app JavaScript (packages/viewer/dist/assets/app-*.js), gzipped',
  needs: [],
  figures: ['viewer_bundle_kb'],
  async run(ctx) {
    const scripts = readdirSync(ASSETS).filter((f) => f.endsWith('.js'));
    if (scripts.length === 0) throw new Error('the viewer is not built: npm run build');
    const code = scripts.map((f) => readFileSync(join(ASSETS, f)));
    const minified = code.reduce((sum, c) => sum + c.length, 0);
    const gzipped = code.reduce((sum, c) => sum + gzipSync(c).length, 0);
    console.log(`  ${scripts.join(', ')}: ${kb(gzipped)} KB gzipped (${kb(minified)} KB minified)`);
    ctx.figure(
      'viewer_bundle_kb',
      kb(gzipped),
      `gzip (level 6) of every script the viewer's page loads, 1 KB = 1024 bytes; ${kb(minified)} KB minified`,
    );
  },
};
