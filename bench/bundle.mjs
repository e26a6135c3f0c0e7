// Bundles TypeScript sources of the repository (given as an entry module's text, resolved from the
// repository root) into one CommonJS file a bench can `require`: the benches measure the product's
// own code without a build step of their own. Native modules stay external.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Writes `outfile` from the entry text `contents`; `external` adds to onnxruntime-node, `define` as esbuild's. */
export async function bundleTs(contents, outfile, { external = [], define } = {}) {
  mkdirSync(path.dirname(outfile), { recursive: true });
  await esbuild.build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['onnxruntime-node', ...external],
    logLevel: 'warning',
    ...(define ? { define } : {}),
  });
  return outfile;
}
