import { build } from 'esbuild';

/**
 * What bundling `file` for `platform` takes in, from source: every file in the bundle, and every
 * module it imports (node: builtins stay external on the node platform, so they show up here).
 */
export async function bundleInputs(file: string, platform: 'browser' | 'node'): Promise<string[]> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform,
    mainFields: ['module', 'main'],
    conditions: ['source', 'import'],
    logLevel: 'silent',
  });
  const inputs = Object.entries(result.metafile.inputs);
  return [...inputs.map(([path]) => path), ...inputs.flatMap(([, input]) => input.imports.map((i) => i.path))];
}
