// The size a browser app pays for @agentspan/client: the package bundled as a browser bundler
// resolves it (its "browser" export condition), minified and gzipped. The portable entry (with
// TypeBox's compiler) and the Node entry are measured beside it for comparison.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

async function bundleSize(conditions, platform) {
  const result = await build({
    stdin: { contents: "export * from '@agentspan/client';", resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform,
    conditions,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minifiedBytes: code.length, gzipBytes: gzipSync(code).length };
}

const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

export default {
  name: 'client_browser_bundle',
  title: '@agentspan/client bundled for the browser with esbuild (--bundle --minify --platform=browser), gzipped',
  needs: [],
  figures: ['client_browser_bundle_kb'],
  async run(ctx) {
    const browser = await bundleSize([], 'browser');
    // A browser bundle of the portable entry: what the browser condition saves.
    const portable = await bundleSize(['agentspan-no-browser-condition'], 'neutral');
    const text = (size) => `${kb(size.gzipBytes)} KB gzipped (${kb(size.minifiedBytes)} KB minified)`;
    console.log(`  browser entry: ${text(browser)}; portable entry, with the compiled checks: ${text(portable)}`);
    ctx.figure(
      'client_browser_bundle_kb',
      kb(browser.gzipBytes),
      `gzip (level 6) of the minified ESM bundle, 1 KB = 1024 bytes: browser entry ${text(browser)}; the portable entry ${text(portable)}`,
    );
  },
};
