// `npm run package`: one VSIX per platform, each carrying only its own onnxruntime-node binary
// (the npm package holds all platforms', ~290 MB). Everything else is bundled by esbuild, so a
// VSIX holds: the bundles, the embedded model, media, the sample, docs, the Java analysis helper, and onnxruntime-node's JS
// (with onnxruntime-common) plus one platform folder of its native binaries — nothing its install
// script alone needs. Every file is checked against the allow-list of scripts/vsixFiles.mjs
// (`vsce ls` of the staged folder) before a VSIX is written.
// Usage: node scripts/package.mjs [--target linux-x64,win32-x64,…] [--out dir] [--list] [--base-images-url url]
//   --list: stage, check and print each target's files (`vsce ls`) without writing a VSIX.
//   --base-images-url: where the README's relative images are served (vsce makes them absolute);
//     without it the VSIX's README leaves out its Screenshots section (the pictures are not in the
//     VSIX, and the project has no public repository vsce could derive their address from).
// There is no public repository URL, so vsce runs with --allow-missing-repository.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { requiredFiles, STAGE_IGNORE, unexpectedFiles } from './vsixFiles.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALL_TARGETS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const { values } = parseArgs({ options: { target: { type: 'string' }, out: { type: 'string' }, list: { type: 'boolean' }, 'base-images-url': { type: 'string' } } });
const baseImagesUrl = values['base-images-url'];
const targets = values.target ? values.target.split(',') : ALL_TARGETS;
const outDir = path.resolve(values.out ?? path.join(root, 'out', 'vsix'));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const napi = path.join(root, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');

for (const t of targets) {
  const [os, arch] = t.split('-');
  if (!ALL_TARGETS.includes(t) || !existsSync(path.join(napi, os, arch))) {
    console.error(`package: no onnxruntime-node binaries for target '${t}' (have: ${ALL_TARGETS.join(', ')})`);
    process.exit(2);
  }
}
for (const f of ['dist/extension.js', 'dist/server.js', 'models/builtin/model.onnx']) {
  if (!existsSync(path.join(root, f))) {
    console.error(`package: ${f} is missing; run npm run build first`);
    process.exit(2);
  }
}

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
mkdirSync(outDir, { recursive: true });
const sizes = {};
const counts = {};
for (const target of targets) {
  const [os, arch] = target.split('-');
  const stage = path.join(root, 'out', 'package', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const copy = (rel, filter) => {
    const from = path.join(root, rel);
    if (existsSync(from)) cpSync(from, path.join(stage, rel), { recursive: true, filter });
  };
  // The manifest without scripts and development dependencies; its only runtime dependency is the
  // native one (everything else is inside the esbuild bundles).
  const manifest = { ...pkg, dependencies: { 'onnxruntime-node': pkg.dependencies['onnxruntime-node'] } };
  delete manifest.scripts;
  delete manifest.devDependencies;
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(path.join(stage, '.npmrc'), 'onnxruntime-node-install=skip\n');
  for (const f of ['CHANGELOG.md', 'LICENSE', 'NOTICE', 'package.nls.json', 'package.nls.zh-cn.json', 'l10n', 'samples', 'docs', 'models/builtin', 'java']) copy(f);
  // v1: the config alone; the runtime regenerates its model from the seed (src/runtime/model/builtinV1.ts).
  copy('models/builtin-v1', (src) => path.basename(src) !== 'model.onnx');
  // The README's screenshots are for the repository and the Marketplace page (absolute links), not the VSIX.
  copy('media', (src) => !src.startsWith(path.join(root, 'media', 'screenshots')));
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  writeFileSync(path.join(stage, 'README.md'), baseImagesUrl ? readme : withoutSection(readme, 'Screenshots'));
  copy('dist', (src) => !src.endsWith('.map') && !src.includes(`${path.sep}tools`));
  // A real production install of onnxruntime-node (vsce checks the tree with `npm ls`), then only
  // this platform's native binaries are kept.
  const install = spawnSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], {
    cwd: stage,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (install.status !== 0) {
    console.error(`package: npm install of onnxruntime-node failed for ${target}`);
    process.exit(1);
  }
  for (const o of readdirSync(path.join(stage, 'node_modules/onnxruntime-node/bin/napi-v6'))) {
    for (const a of readdirSync(path.join(stage, 'node_modules/onnxruntime-node/bin/napi-v6', o))) {
      if (o !== os || a !== arch) rmSync(path.join(stage, 'node_modules/onnxruntime-node/bin/napi-v6', o, a), { recursive: true });
    }
  }
  writeFileSync(path.join(stage, '.vscodeignore'), STAGE_IGNORE.join('\n') + '\n');
  const ls = spawnSync(process.execPath, [vsce, 'ls'], { cwd: stage, encoding: 'utf8' });
  if (ls.status !== 0) {
    console.error(`package: vsce ls failed for ${target}\n${ls.stderr}`);
    process.exit(1);
  }
  const files = ls.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
  const unexpected = unexpectedFiles(files, target);
  const missing = requiredFiles(target).filter((f) => !files.includes(f));
  if (unexpected.length || missing.length) {
    if (unexpected.length) console.error(`package: ${target}: ${unexpected.length} file(s) outside the allow-list of scripts/vsixFiles.mjs:\n  ${unexpected.join('\n  ')}`);
    if (missing.length) console.error(`package: ${target}: required file(s) missing:\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
  const unpacked = files.reduce((sum, f) => sum + statSync(path.join(stage, f)).size, 0);
  counts[target] = { files: files.length, unpacked };
  if (values.list) {
    console.log(`${target}: ${files.length} files, ${(unpacked / 1048576).toFixed(1)} MiB unpacked`);
    for (const f of files) console.log(`  ${f}`);
    continue;
  }
  const file = path.join(outDir, `${pkg.name}-${target}-${pkg.version}.vsix`);
  const r = spawnSync(process.execPath, [vsce, 'package', '--allow-missing-repository', ...(baseImagesUrl ? ['--baseImagesUrl', baseImagesUrl] : []), '--target', target, '--out', file], {
    cwd: stage,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    console.error(`package: vsce failed for ${target}`);
    process.exit(1);
  }
  sizes[target] = statSync(file).size;
  console.log(`${path.relative(root, file)}: ${(sizes[target] / 1048576).toFixed(1)} MiB`);
  console.log(`  ${counts[target].files} files, ${(counts[target].unpacked / 1048576).toFixed(1)} MiB unpacked`);
}
const linux = sizes['linux-x64'];
if (values.list) process.exit(0);
if (linux !== undefined) console.log(`linux-x64 VSIX ${(linux / 1048576).toFixed(1)} MiB (goal < 60 MiB): ${linux < 60 * 1048576 ? 'met' : 'NOT met'}`);
console.log(JSON.stringify(Object.fromEntries(Object.entries(sizes).flatMap(([t, s]) => [
  [`${t}_mib`, +(s / 1048576).toFixed(2)],
  [`${t}_unpacked_mib`, +(counts[t].unpacked / 1048576).toFixed(2)],
  [`${t}_files`, counts[t].files],
]))));

/** `markdown` without its `## title` section (up to the next `## ` heading). */
function withoutSection(markdown, title) {
  const start = markdown.search(new RegExp(`^## ${title}\\s*$`, 'm'));
  if (start < 0) return markdown;
  const next = markdown.slice(start + 3).search(/^## /m);
  return next < 0 ? markdown.slice(0, start) : markdown.slice(0, start) + markdown.slice(start + 3 + next);
}
