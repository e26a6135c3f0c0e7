/**
 * Workspace Trust on the server's side, and vocabulary files that are not plain files: against
 * the real bundled server. An untrusted workspace's restricted settings (`model`,
 * `vocabularyFiles`, `executionProvider`, `threads`) are held to the user values the client sent
 * at start, whatever configuration answers say; a FIFO, a device, a folder or an oversized file in
 * `vocabularyFiles` is skipped with a warning that says why, and the server keeps serving.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MarkupContent, Hover } from 'vscode-languageserver-protocol/node';
import type { NeighborsResult } from '../../src/shared/protocol';
import { fixtureUri, startServer, type TestServer } from './client';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-trust-'));
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('untrusted: the workspace cannot choose the model or vocabulary files, even if the configuration answer says so', async () => {
  const vocab = path.join(tmp, 'secrets.txt');
  writeFileSync(vocab, 'root:x:0:0:root\n普拉多越野\n');
  const server = await startServer({
    // What a workspace's .vscode/settings.json would say …
    settings: { model: path.join(tmp, 'evil-model'), vocabularyFiles: [vocab], executionProvider: 'cuda', threads: 64 },
    // … and the user values the client sends for an untrusted workspace.
    initializationOptions: { untrustedSettings: { model: 'builtin', vocabularyFiles: [], executionProvider: 'cpu', threads: 0 } },
  });
  servers.push(server);
  await server.logs.wait((m) => /^Untrusted workspace: model, vocabulary files/.test(m), 'the untrusted-mode log line', 10_000);
  const uri = fixtureUri('untrusted.synonyms.csv');
  server.open(uri, 'term,synonym\n普拉多,霸道\n');
  const status = await server.waitStatus((s) => s.state !== 'loading', { what: 'the model ready' });
  assert.equal(status.state, 'ready', status.error);
  assert.match(status.modelId, /^builtin:/);
  await server.waitDiagnostics(uri, () => true);
  const nb = await server.request<NeighborsResult>('synonymLens/neighbors', { term: '普拉多', k: 50, uri });
  assert.ok(!nb.neighbors.some((x) => x.term === '普拉多越野' || x.term.startsWith('root:')), JSON.stringify(nb.neighbors));
  assert.ok(!server.logs.events.some((m) => m.includes('secrets.txt')), 'the vocabulary file was never read');
  server.close(uri);
});

test('vocabulary files: a FIFO, a device, a folder and an oversized file are skipped with the reason; a good one still loads', async () => {
  const fifo = path.join(tmp, 'pipe.txt');
  execFileSync('mkfifo', [fifo]);
  const big = path.join(tmp, 'big.txt');
  writeFileSync(big, '');
  truncateSync(big, 65 * 1024 * 1024); // sparse: no disk used
  const folder = path.join(tmp, 'folder.txt');
  mkdirSync(folder);
  const good = path.join(tmp, 'good.txt');
  writeFileSync(good, '普拉多越野\n');
  const server = await startServer({ settings: { vocabularyFiles: [fifo, '/dev/zero', folder, big, good] } });
  servers.push(server);
  const uri = fixtureUri('vocab-faults.synonyms.csv');
  server.open(uri, 'term,synonym\n普拉多,霸道\n');
  const why = async (pattern: RegExp) => (await server.shown.wait((m) => pattern.test(m.message), String(pattern), 30_000)).message;
  assert.match(await why(/pipe\.txt/), /was skipped: it is a FIFO \(named pipe\), not a regular file/);
  assert.match(await why(/\/dev\/zero/), /was skipped: it is a device, not a regular file/);
  assert.match(await why(/folder\.txt/), /was skipped: it is a folder, not a file/);
  assert.match(await why(/big\.txt/), /was skipped: it is larger than 64 MB/);
  await server.logs.wait((m) => /good\.txt: 1 terms ready/.test(m), 'the good vocabulary file loaded', 30_000);
  const hover = await server.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
  assert.match((hover.contents as MarkupContent).value, /普拉多/);
  server.close(uri);
});
