/**
 * Model downloads against a loopback stand-in for the hub (test/helpers/hubServer.ts): listing,
 * LFS redirects, variants, 404, truncated bodies, wrong hashes, stalls, resume, cancellation,
 * atomic replacement, the revision-endpoint fallback, HF_ENDPOINT, a CONNECT proxy, offline.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CancelledError } from '../../src/runtime/model/engine';
import { downloadModel, DownloadError, isSafeRepoPath, type DownloadErrorCode, type DownloadProgress } from '../../src/runtime/model/hub/download';
import { loadEngine } from '../../src/runtime/model/load';
import { makeModel, tempRoot } from '../helpers/fixtures';
import { startConnectProxy, startHub, type HubFile, type HubServer } from '../helpers/hubServer';

const { root, cleanup } = tempRoot('synonym-lens-hub-');
let repoFiles: HubFile[];
let bigData: Buffer;

before(() => {
  // A real (tiny) model folder's files, plus external data big enough to interrupt.
  const m = makeModel(path.join(root, 'source'), { arch: 'bert', layout: 'external' });
  const read = (p: string) => readFileSync(path.join(m.dir, p));
  bigData = read('onnx/model.onnx_data');
  repoFiles = [
    { path: 'config.json', content: read('config.json') },
    { path: 'tokenizer.json', content: read('tokenizer.json') },
    { path: 'tokenizer_config.json', content: read('tokenizer_config.json') },
    { path: 'README.md', content: Buffer.from('# tiny\n') },
    { path: 'onnx/model.onnx', content: read('onnx/model.onnx'), lfs: true },
    { path: 'onnx/model.onnx_data', content: bigData, lfs: true },
    { path: 'onnx/model_quantized.onnx', content: Buffer.from('not needed'), lfs: true },
  ];
});
after(cleanup);

let n = 0;
const modelsDir = () => path.join(root, `models-${n++}`);

async function withHub<T>(fn: (hub: HubServer) => Promise<T>, faults = {}): Promise<T> {
  const hub = await startHub({ 'acme/tiny': repoFiles, 'acme/quant-only': repoFiles.filter((f) => !f.path.startsWith('onnx/model.onnx')) }, faults);
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}

async function rejectsWith(p: Promise<unknown>, code: DownloadErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof DownloadError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

test('downloads the fp32 model with its external data, verified, atomically, and it loads', async () => {
  await withHub(async (hub) => {
    const dir = modelsDir();
    const events: DownloadProgress[] = [];
    const dest = await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, onProgress: (e) => events.push(e), env: {} });
    assert.equal(dest, path.join(dir, 'acme--tiny'));
    assert.deepEqual(readdirSync(dir), ['acme--tiny']); // no .partial left behind
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model.onnx_data'])
      assert.ok(existsSync(path.join(dest, f)), f);
    assert.ok(!existsSync(path.join(dest, 'README.md')));
    assert.ok(!existsSync(path.join(dest, 'onnx/model_quantized.onnx')));
    assert.deepEqual(readFileSync(path.join(dest, 'onnx/model.onnx_data')), bigData);
    const meta = JSON.parse(readFileSync(path.join(dest, '.synonym-lens-download.json'), 'utf8'));
    assert.equal(meta.repo, 'acme/tiny');
    assert.equal(meta.variant, 'fp32');
    // LFS files went through the CDN redirect.
    assert.ok(hub.requests.some((r) => r.startsWith('GET /cdn/acme/tiny/')));
    const plan = events.find((e) => e.kind === 'plan');
    assert.ok(plan && plan.kind === 'plan' && plan.files.length === 5);
    const last = events.filter((e) => e.kind === 'bytes').pop();
    assert.ok(last && last.kind === 'bytes' && last.totalReceived === plan.totalBytes);
    assert.equal(events[events.length - 1]!.kind, 'done');
    const engine = await loadEngine(dest);
    assert.equal(engine.id, 'acme/tiny');
    await engine.dispose();
  });
});

test('--variant quantized picks onnx/model_quantized.onnx; a missing variant names the ones there are', async () => {
  await withHub(async (hub) => {
    const dir = modelsDir();
    const dest = await downloadModel({ repo: 'acme/quant-only', endpoint: hub.url, modelsDir: dir, variant: 'quantized', env: {} });
    assert.ok(existsSync(path.join(dest, 'onnx/model_quantized.onnx')));
    await rejectsWith(downloadModel({ repo: 'acme/quant-only', endpoint: hub.url, modelsDir: dir, variant: 'fp16', env: {} }), 'no-variant', /no fp16 ONNX model .*available: quantized/);
  });
});

test('404: unknown repository, unknown revision, a listed file that is missing', async () => {
  await withHub(
    async (hub) => {
      const dir = modelsDir();
      await rejectsWith(downloadModel({ repo: 'acme/nothing', endpoint: hub.url, modelsDir: dir, env: {} }), 'not-found', /acme\/nothing@main .*404/);
      await rejectsWith(downloadModel({ repo: 'acme/tiny', revision: 'v9', endpoint: hub.url, modelsDir: dir, env: {} }), 'not-found', /404/);
      await rejectsWith(downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} }), 'not-found', /tokenizer_config\.json of acme\/tiny: not found/);
      assert.ok(!existsSync(path.join(dir, 'acme--tiny')));
    },
    { missing: new Set(['tokenizer_config.json']) },
  );
});

test('a truncated body is resumed with Range and the file verifies', async () => {
  await withHub(
    async (hub) => {
      const retries: DownloadProgress[] = [];
      const dest = await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: modelsDir(), env: {}, onProgress: (e) => e.kind === 'retry' && retries.push(e) });
      assert.deepEqual(readFileSync(path.join(dest, 'onnx/model.onnx_data')), bigData);
      assert.equal(retries.length, 1);
      assert.match(hub.ranges.join('\n'), new RegExp(`onnx/model.onnx_data bytes=${Math.floor(bigData.length / 2)}-`));
    },
    { truncate: new Map([['onnx/model.onnx_data', 1]]) },
  );
});

test('a server that ignores Range still ends with a verified file', async () => {
  await withHub(
    async (hub) => {
      const dest = await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: modelsDir(), env: {} });
      assert.deepEqual(readFileSync(path.join(dest, 'onnx/model.onnx_data')), bigData);
    },
    { truncate: new Map([['onnx/model.onnx_data', 1]]), noRange: true },
  );
});

test('a wrong hash fails with integrity, deletes the partial file and leaves no model folder', async () => {
  await withHub(
    async (hub) => {
      const dir = modelsDir();
      await rejectsWith(downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} }), 'integrity', /onnx\/model\.onnx from http:\/\/127\.0\.0\.1:\d+ failed verification \(sha256 [0-9a-f]{64} ≠ [0-9a-f]{64}\)/);
      assert.ok(!existsSync(path.join(dir, 'acme--tiny')));
      assert.ok(!existsSync(path.join(dir, 'acme--tiny.partial', 'onnx', 'model.onnx.part')));
    },
    { wrongHash: new Set(['onnx/model.onnx']) },
  );
});

test('a stalled connection times out, is retried, and resumes; with no retries left it fails, and a later call resumes', async () => {
  await withHub(
    async (hub) => {
      const dest = await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: modelsDir(), env: {}, idleTimeoutMs: 1000 });
      assert.deepEqual(readFileSync(path.join(dest, 'onnx/model.onnx_data')), bigData);
    },
    { stall: new Map([['onnx/model.onnx_data', 1]]) },
  );
  const dir = modelsDir();
  await withHub(
    async (hub) => {
      await rejectsWith(downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {}, idleTimeoutMs: 1000, retries: 0 }), 'stalled', /model\.onnx_data/);
      const part = path.join(dir, 'acme--tiny.partial', 'onnx', 'model.onnx_data.part');
      assert.equal(statSync(part).size, Math.floor(bigData.length / 2));
      hub.faults.stall!.clear();
      const dest = await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} });
      assert.deepEqual(readFileSync(path.join(dest, 'onnx/model.onnx_data')), bigData);
      assert.ok(hub.ranges.some((r) => r === `onnx/model.onnx_data bytes=${Math.floor(bigData.length / 2)}-`), hub.ranges.join(', '));
    },
    { stall: new Map([['onnx/model.onnx_data', 5]]) },
  );
});

test('cancellation stops the download with CancelledError and keeps the partial folder for resuming', async () => {
  await withHub(
    async (hub) => {
      const dir = modelsDir();
      let cancel = false;
      const token = { get isCancellationRequested() { return cancel; } };
      const p = downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {}, token, idleTimeoutMs: 5000, onProgress: (e) => { if (e.kind === 'bytes' && e.path === 'onnx/model.onnx_data') cancel = true; } });
      await assert.rejects(p, CancelledError);
      assert.ok(!existsSync(path.join(dir, 'acme--tiny')));
      assert.ok(existsSync(path.join(dir, 'acme--tiny.partial', 'config.json')));
    },
    { stall: new Map([['onnx/model.onnx_data', 1]]) },
  );
});

test('re-downloading replaces an existing model folder only when complete', async () => {
  await withHub(async (hub) => {
    const dir = modelsDir();
    const dest = await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} });
    writeFileSync(path.join(dest, 'stale.txt'), 'old');
    hub.faults.missing = new Set(['onnx/model.onnx']);
    await assert.rejects(downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} }), DownloadError);
    assert.ok(existsSync(path.join(dest, 'stale.txt')), 'the old folder is untouched after a failure');
    hub.faults.missing = undefined;
    await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} });
    assert.ok(!existsSync(path.join(dest, 'stale.txt')));
    assert.deepEqual(readdirSync(dir), ['acme--tiny']);
  });
});

test('mirrors with only the revision endpoint work (fallback listing, git blob sha1 checks)', async () => {
  await withHub(
    async (hub) => {
      const dest = await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: modelsDir(), env: {} });
      assert.ok(existsSync(path.join(dest, 'onnx/model.onnx')));
      assert.ok(hub.requests.includes('GET /api/models/acme/tiny/revision/main'));
      assert.equal(JSON.parse(readFileSync(path.join(dest, '.synonym-lens-download.json'), 'utf8')).commit, 'c0ffee'.padEnd(40, '0'));
    },
    { noTreeApi: true },
  );
});

test('HF_ENDPOINT selects the mirror; HTTP_PROXY tunnels through a CONNECT proxy', async () => {
  const proxy = await startConnectProxy();
  try {
    await withHub(async (hub) => {
      const dest = await downloadModel({ repo: 'acme/tiny', modelsDir: modelsDir(), env: { HF_ENDPOINT: hub.url, HTTP_PROXY: proxy.url } });
      assert.ok(existsSync(path.join(dest, 'onnx/model.onnx_data')));
      const hubHost = new URL(hub.url).host;
      assert.ok(proxy.tunnels.length >= 1 && proxy.tunnels.every((t) => t === hubHost), proxy.tunnels.join(', '));
      // NO_PROXY bypasses it.
      const before = proxy.tunnels.length;
      await downloadModel({ repo: 'acme/tiny', modelsDir: modelsDir(), env: { HF_ENDPOINT: hub.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
      assert.equal(proxy.tunnels.length, before);
    });
  } finally {
    await proxy.close();
  }
});

test('offline (connection refused) gives one clear message naming HF_ENDPOINT, the synonymLens.hub.endpoint setting and HTTPS_PROXY', async () => {
  // Port 9 on loopback (discard) is closed here: the connection is refused at once.
  await rejectsWith(downloadModel({ repo: 'acme/tiny', endpoint: 'http://127.0.0.1:9', modelsDir: modelsDir(), env: {} }), 'offline', /Cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\).*HF_ENDPOINT \(or the synonymLens\.hub\.endpoint setting\).*HTTPS_PROXY.*built-in model stays in use/);
});

/** Files anywhere under `dir` (recursively), relative. */
function filesUnder(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((p) => statSync(path.join(dir, p)).isFile()).sort() : [];
}

test('a hostile hub cannot write outside the model folder: listed `..`, encoded and backslash paths are never fetched', async () => {
  const escaped = Buffer.from('written by a hostile hub\n');
  const hostile: HubFile[] = [
    { path: 'onnx/model.onnx_data/../../../../ESCAPED-1.txt', content: escaped },
    { path: 'onnx/model.onnx_data/..%2f..%2f..%2fESCAPED-2.txt', content: escaped },
    { path: 'onnx/model.onnx_data\\..\\..\\..\\ESCAPED-3.txt', content: escaped },
    { path: 'onnx/model.onnx.data/../../../ESCAPED-4.txt', content: escaped },
  ];
  const sandbox = path.join(root, 'sandbox-listing');
  const dir = path.join(sandbox, 'a', 'b', 'models');
  await withHub(
    async (hub) => {
      const dest = await downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} });
      assert.deepEqual(filesUnder(sandbox).filter((p) => !p.startsWith(path.join('a', 'b', 'models', 'acme--tiny') + path.sep)), []);
      assert.deepEqual(filesUnder(dest), ['.synonym-lens-download.json', 'config.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'tokenizer.json', 'tokenizer_config.json'].map((p) => p.split('/').join(path.sep)));
      assert.ok(!hub.requests.some((r) => /ESCAPED/.test(r)), hub.requests.join('\n'));
    },
    { hostile },
  );
});

test('external data is only what the graph names; a location outside the folder (.., absolute, encoded, backslash) is refused', async () => {
  const read = (dir: string, p: string) => readFileSync(path.join(dir, p));
  for (const [i, location] of ['../../ESCAPED.txt', path.join(root, 'ESCAPED-abs.txt'), '..%2f..%2fESCAPED.txt', '..\\..\\ESCAPED.txt', 'sub/../../ESCAPED.txt'].entries()) {
    const m = makeModel(path.join(root, `hostile-graph-${i}`), { arch: 'bert', layout: 'external', externalLocation: location });
    const repo: HubFile[] = [
      { path: 'config.json', content: read(m.dir, 'config.json') },
      { path: 'tokenizer.json', content: read(m.dir, 'tokenizer.json') },
      { path: 'onnx/model.onnx', content: read(m.dir, 'onnx/model.onnx') },
      { path: 'onnx/model.onnx_data', content: read(m.dir, 'onnx/model.onnx_data') },
    ];
    const hub = await startHub({ 'acme/hostile': repo }, { hostile: [{ path: `onnx/${location}`, content: Buffer.from('escaped') }] });
    const sandbox = path.join(root, `sandbox-graph-${i}`);
    try {
      await rejectsWith(downloadModel({ repo: 'acme/hostile', endpoint: hub.url, modelsDir: path.join(sandbox, 'x', 'models'), env: {} }), 'unsafe-path', /names external data .*not a plain relative path inside the model folder/);
      assert.deepEqual(filesUnder(sandbox).filter((p) => !p.includes('acme--hostile.partial')), [], location);
      assert.ok(!existsSync(path.join(root, 'ESCAPED-abs.txt')));
      assert.ok(!existsSync(path.join(sandbox, 'x', 'models', 'acme--hostile')), 'no model folder');
    } finally {
      await hub.close();
    }
  }
});

test('a symbolic link inside the partial folder (a folder or a .part file) is refused, not followed', async () => {
  const outside = path.join(root, 'outside-target');
  mkdirSync(outside, { recursive: true });
  await withHub(async (hub) => {
    const dir = modelsDir();
    mkdirSync(path.join(dir, 'acme--tiny.partial'), { recursive: true });
    symlinkSync(outside, path.join(dir, 'acme--tiny.partial', 'onnx'));
    writeFileSync(path.join(outside, 'victim.txt'), 'keep me');
    symlinkSync(path.join(outside, 'victim.txt'), path.join(dir, 'acme--tiny.partial', 'config.json.part'));
    await rejectsWith(downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} }), 'unsafe-path', /config\.json\.part is a symbolic link/);
    rmSync(path.join(dir, 'acme--tiny.partial', 'config.json.part'));
    await rejectsWith(downloadModel({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir, env: {} }), 'unsafe-path', /onnx is a symbolic link/);
    assert.deepEqual(readdirSync(outside), ['victim.txt']);
    assert.equal(readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'keep me');
  });
});

test('isSafeRepoPath accepts hub file names and refuses everything that could leave the folder', () => {
  for (const ok of ['config.json', 'onnx/model.onnx_data', '1_Pooling/config.json', 'model.onnx.data']) assert.ok(isSafeRepoPath(ok), ok);
  for (const bad of ['', '../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x', '..%2fx', 'a//b', './a', 'a/.', 'a\u0000b', 'a\nb']) assert.ok(!isSafeRepoPath(bad), JSON.stringify(bad));
});
