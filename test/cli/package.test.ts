// The VSIX's file list: `npm run package` stages each platform's package and checks `vsce ls`
// against the allow-list of scripts/vsixFiles.mjs before writing a VSIX, so a new dependency or a
// stray file cannot bloat the package silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '..', '..');

interface VsixFiles {
  unexpectedFiles(files: string[], target: string): string[];
  requiredFiles(target: string): string[];
}
const load = async () => (await import(pathToFileURL(path.join(root, 'scripts', 'vsixFiles.mjs')).href)) as VsixFiles;

test('the linux-x64 package holds only allowed files: bundles, model, onnxruntime-node runtime, nothing its install script needs', async () => {
  const { unexpectedFiles, requiredFiles } = await load();
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--target', 'linux-x64', '--list'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const head = /^linux-x64: (\d+) files, ([\d.]+) MiB unpacked$/m.exec(r.stdout);
  assert.ok(head, r.stdout);
  const files = r.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
  assert.equal(files.length, Number(head[1]));
  assert.deepEqual(unexpectedFiles(files, 'linux-x64'), []);
  for (const f of requiredFiles('linux-x64')) assert.ok(files.includes(f), `${f} is in the package`);
  for (const f of files) {
    assert.doesNotMatch(f, /^node_modules\/(?!onnxruntime-(node|common)\/)/, `${f}: only onnxruntime-node and onnxruntime-common ship`);
    assert.doesNotMatch(f, /\.(map|ts)$|^media\/screenshots\/|^node_modules\/onnxruntime-node\/script\//, f);
  }
  for (const f of ['CHANGELOG.md', 'README.md', 'LICENSE', 'dist/trainWorker.js', 'dist/webview/table.js', 'java/SynonymAnalysis.java']) assert.ok(files.includes(f), `${f} is in the package`);
});

test('the allow-list rejects install-time dependencies, other platforms\' binaries, source maps and the screenshots', async () => {
  const { unexpectedFiles } = await load();
  const stray = [
    'node_modules/adm-zip/adm-zip.js',
    'node_modules/global-agent/package.json',
    'node_modules/onnxruntime-node/script/install.js',
    'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll',
    'node_modules/onnxruntime-node/lib/index.ts',
    'node_modules/onnxruntime-common/dist/esm/index.js',
    'dist/server.js.map',
    'media/screenshots/editor-dark.webp',
    'src/core/csv.ts',
    'models/builtin-v1/model.onnx',
    'java/SynonymOracle.java',
    'java/SynonymAnalysis.class',
  ];
  assert.deepEqual(unexpectedFiles(stray, 'linux-x64'), stray);
  const ok = ['node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll', 'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/DirectML.dll',
    'node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/libonnxruntime.1.30.0.dylib', 'dist/extension.js', 'package.nls.zh-cn.json'];
  assert.deepEqual(unexpectedFiles(ok.filter((f) => !f.includes('darwin')), 'win32-x64'), []);
  assert.deepEqual(unexpectedFiles(ok.filter((f) => !f.includes('win32')), 'darwin-arm64'), []);
});
