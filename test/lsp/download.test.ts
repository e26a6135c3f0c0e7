/**
 * `synonymLens/downloadModel` against the real bundled server and a loopback stand-in for the
 * Hugging Face hub (test/helpers/hubServer.ts, as in test/unit/hub.download.test.ts): a download
 * with work-done progress whose folder the server then loads as `synonymLens.model: org/name`;
 * cancellation mid-transfer; offline with the downloader's message; invalid parameters. Every
 * wait is on a message; nothing sleeps.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import type { DownloadModelParams, DownloadModelResult } from '../../src/shared/protocol';
import { makeModel, tempRoot } from '../helpers/fixtures';
import { startHub, type HubFile, type HubServer } from '../helpers/hubServer';
import { startServer, type TestServer } from './client';

const { root, cleanup } = tempRoot('synonym-lens-lsp-download-');
const modelsDir = path.join(root, 'models');
let repoFiles: HubFile[];
let server: TestServer;

before(async () => {
  const m = makeModel(path.join(root, 'source'), { arch: 'bert', layout: 'external' });
  const read = (p: string) => readFileSync(path.join(m.dir, p));
  repoFiles = [
    { path: 'config.json', content: read('config.json') },
    { path: 'tokenizer.json', content: read('tokenizer.json') },
    { path: 'tokenizer_config.json', content: read('tokenizer_config.json') },
    { path: 'onnx/model.onnx', content: read('onnx/model.onnx'), lfs: true },
    { path: 'onnx/model.onnx_data', content: read('onnx/model.onnx_data'), lfs: true },
  ];
  // The extension passes its global storage as SYNONYM_LENS_MODELS_DIR; proxies from the
  // environment would otherwise be asked for loopback URLs.
  server = await startServer({ env: { SYNONYM_LENS_MODELS_DIR: modelsDir, HTTP_PROXY: '', HTTPS_PROXY: '', HF_ENDPOINT: '' } });
});

after(async () => {
  await server?.stop();
  cleanup();
});

async function withHub<T>(fn: (hub: HubServer) => Promise<T>, faults = {}): Promise<T> {
  const hub = await startHub({ 'acme/tiny': repoFiles }, faults);
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}

const download = (params: DownloadModelParams, token?: CancellationTokenSource) => server.request<DownloadModelResult>('synonymLens/downloadModel', params, token);

async function rejectsWith(p: Promise<unknown>, code: number, message: RegExp, data?: unknown): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ResponseError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    if (data !== undefined) assert.deepEqual(err.data, data);
    return true;
  });
}

test('downloads with work-done progress into modelsDir, and `model: org/name` then loads it', async () => {
  await withHub(async (hub) => {
    const cursor = server.progress.cursor;
    const result = await download({ repo: 'acme/tiny', endpoint: hub.url, modelsDir });
    assert.equal(result.modelDir, path.join(modelsDir, 'acme--tiny'));
    assert.equal(result.variant, 'fp32');
    assert.equal(result.bytes, repoFiles.reduce((s, f) => s + f.content.length, 0));
    for (const f of repoFiles) assert.deepEqual(readFileSync(path.join(result.modelDir, f.path)), f.content, f.path);
    assert.deepEqual(readdirSync(modelsDir), ['acme--tiny'], 'no .partial folder left');

    const events = server.progress.events.slice(cursor);
    const begin = events.find((e) => e.value.kind === 'begin') as { token: string; value: { title?: string; cancellable?: boolean } } | undefined;
    assert.ok(begin, 'no progress begin');
    assert.equal(begin.value.title, 'Downloading acme/tiny');
    assert.equal(begin.value.cancellable, true);
    const messages = events.filter((e) => e.token === begin.token && e.value.kind === 'report').map((e) => e.value.message ?? '');
    assert.ok(messages.some((m) => /^5 files, [\d.]+ MB$/.test(m)), JSON.stringify(messages));
    await server.progress.wait((e) => e.token === begin.token && e.value.kind === 'end', 'progress end', 5000, cursor);
  });

  // The client then sets `synonymLens.model` to the repository id (portable across machines).
  const dict = path.join(root, 'terms.synonyms.csv');
  writeFileSync(dict, 'term,synonym,label\nred car,crimson car,1\nblue car,red car,0\n');
  const uri = pathToFileURL(dict).toString();
  const after = server.statuses.cursor;
  await server.setSettings({ model: 'acme/tiny' });
  server.open(uri, readFileSync(dict, 'utf8'));
  const status = await server.waitStatus((s) => s.state !== 'loading' && s.modelId === 'acme/tiny', { after, timeoutMs: 60_000, what: 'acme/tiny loaded' });
  assert.equal(status.state, 'ready', status.error);
  server.close(uri);
  await server.setSettings({});
});

test('cancelling stops the transfer with RequestCancelled, ends the progress and leaves no model folder', async () => {
  const dir = path.join(root, 'models-cancel');
  await withHub(
    async (hub) => {
      const cursor = server.progress.cursor;
      const cts = new CancellationTokenSource();
      const pending = download({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir }, cts);
      // The plan is reported before any file; the stalled data file keeps the transfer open.
      const plan = await server.progress.wait((e) => e.value.kind === 'report' && /files, .* MB$/.test(e.value.message ?? ''), 'the download plan', 20_000, cursor);
      cts.cancel();
      await rejectsWith(pending, LSPErrorCodes.RequestCancelled, /cancel/);
      await server.progress.wait((e) => e.token === plan.token && e.value.kind === 'end', 'progress end after cancel', 5000, cursor);
      assert.ok(!existsSync(path.join(dir, 'acme--tiny')), 'no model folder after a cancel');
      assert.ok(existsSync(path.join(dir, 'acme--tiny.partial')), 'partial files are kept for a resume');
    },
    { stall: new Map([['onnx/model.onnx_data', 1]]) },
  );
});

test('offline: InternalError with the downloader\'s message and data.code, and the server keeps serving', async () => {
  // Port 9 on loopback (discard) is closed: the connection is refused at once.
  await rejectsWith(
    download({ repo: 'acme/tiny', endpoint: 'http://127.0.0.1:9', modelsDir: path.join(root, 'models-offline') }),
    ErrorCodes.InternalError,
    /Cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\).*HF_ENDPOINT.*HTTPS_PROXY/,
    { code: 'offline' },
  );
  await withHub(async (hub) => {
    await rejectsWith(download({ repo: 'acme/none', endpoint: hub.url, modelsDir: path.join(root, 'models-404') }), ErrorCodes.InternalError, /404/, { code: 'not-found' });
  });
});

test('invalid parameters fail with InvalidParams before any network access', async () => {
  await rejectsWith(download({ repo: 'not-a-repo-id', modelsDir }), ErrorCodes.InvalidParams, /expected org\/name/);
  await rejectsWith(download({ repo: 'acme/tiny', modelsDir: 'relative/models' }), ErrorCodes.InvalidParams, /absolute/);
  await rejectsWith(download({ repo: 'acme/tiny', modelsDir, variant: 'int4' as never }), ErrorCodes.InvalidParams, /variant/);
  await rejectsWith(download({ repo: 'acme/tiny', modelsDir, endpoint: 'file:///etc' }), ErrorCodes.InvalidParams, /endpoint/);
});

test('a hostile hub writes nothing outside modelsDir: listed `..` paths are not fetched, a graph naming ../ data is refused with data.code unsafe-path', async () => {
  const sandbox = path.join(root, 'hostile');
  const dir = path.join(sandbox, 'a', 'b', 'models');
  const escaped = Buffer.from('written by a hostile hub\n');
  const outside = () => (readdirSync(sandbox, { recursive: true }) as string[]).filter((p) => /ESCAPED/.test(p));
  const hub = await startHub({ 'acme/tiny': repoFiles }, { hostile: [{ path: 'onnx/model.onnx_data/../../../../ESCAPED-1.txt', content: escaped }, { path: 'onnx/model.onnx_data\\..\\..\\..\\ESCAPED-2.txt', content: escaped }] });
  try {
    const result = await download({ repo: 'acme/tiny', endpoint: hub.url, modelsDir: dir });
    assert.equal(result.bytes, repoFiles.reduce((s, f) => s + f.content.length, 0));
    assert.deepEqual(outside(), []);
  } finally {
    await hub.close();
  }
  const m = makeModel(path.join(root, 'hostile-source'), { arch: 'bert', layout: 'external', externalLocation: '../../../../ESCAPED-3.txt' });
  const read = (p: string) => readFileSync(path.join(m.dir, p));
  const evil = await startHub(
    { 'acme/evil': [...repoFiles.filter((f) => !f.path.startsWith('onnx/')), { path: 'onnx/model.onnx', content: read('onnx/model.onnx') }] },
    { hostile: [{ path: 'onnx/../../../../ESCAPED-3.txt', content: read('onnx/model.onnx_data') }] },
  );
  try {
    await rejectsWith(download({ repo: 'acme/evil', endpoint: evil.url, modelsDir: dir }), ErrorCodes.InternalError, /names external data "\.\.\/\.\.\/\.\.\/\.\.\/ESCAPED-3\.txt"/, { code: 'unsafe-path' });
    assert.deepEqual(outside(), []);
    assert.ok(!existsSync(path.join(dir, 'acme--evil')));
  } finally {
    await evil.close();
  }
});
