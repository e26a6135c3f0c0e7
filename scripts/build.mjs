// Builds one bundle per process with esbuild, then generates the embedded default model.
// Usage: node scripts/build.mjs [--watch]
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { webviewBuild } from '../webview/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  // Native modules ship in node_modules; `vscode` is provided by the extension host.
  external: ['onnxruntime-node', 'vscode'],
};

const builds = [
  { ...node, entryPoints: { extension: 'src/client/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { server: 'src/server/main.ts' }, outdir: 'dist' },
  // The training worker (worker_threads) of the server and the CLI: src/runtime/learn/runner.ts.
  { ...node, entryPoints: { trainWorker: 'src/runtime/learn/worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, define: { VERSION: JSON.stringify(pkg.version) } },
  { ...node, entryPoints: { 'generate-builtin-model': 'scripts/generateBuiltinModel.ts' }, outdir: 'dist/tools' },
  webviewBuild,
].filter((b) => Object.values(b.entryPoints).every((f) => existsSync(path.join(root, f))));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const gen = path.join(root, 'dist/tools/generate-builtin-model.js');
  if (existsSync(gen)) execFileSync(process.execPath, [gen, path.join(root, 'models/builtin')], { stdio: 'inherit' });
}
