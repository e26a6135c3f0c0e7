// Language-server benchmark (not a test): spawns bundled servers over stdio and times
//  - first diagnostics after open, 20,000 pairs, cold (fresh process, model not loaded);
//  - edit → diagnostics after a one-row edit in the same 20,000-pair file (warm: terms embedded);
//  - hover with neighbours over a 100,000-term vocabulary;
//  - the server's RSS.
// Usage: node scripts/build.mjs && node bench/lsp.mjs [--cold-runs 3] [--edits 100] [--hovers 300]
//        [--hover-gap ms] [--server path/to/server.js[=label]]... [--model spec]...
// With several --model options (e.g. `--model builtin:char-ngram-v1 --model builtin`) each server
// runs once per model (setting `synonymLens.model`), compared side by side like several servers.
// With several --server options (e.g. a build of the previous commit and dist/server.js) every
// measurement alternates between the servers, in alternating order, within one run: on a shared,
// noisy machine only figures taken side by side compare. Each server gets the same edits and hovers.
// The last line printed is one JSON object; key names carry their units (with several servers:
// `{ "servers": [ { "label": …, …figures } ] }`).
// It also times a stub server that does no work and answers each edit with the last real publish
// (same diagnostics, same JSON size): the transport floor of edit → diagnostics on this machine
// (`--no-floor` skips it).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import rpc from 'vscode-languageserver-protocol/node';
import { dictionary, vocabularyTerms, word } from './lspData.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const servers = process.argv
  .flatMap((a, i) => (a === '--server' ? [process.argv[i + 1]] : []))
  .map((s) => {
    const [file, label] = s.split('=');
    return { path: path.resolve(file), label: label ?? path.relative(root, path.resolve(file)) };
  });
if (servers.length === 0) servers.push({ path: path.join(root, 'dist/server.js'), label: 'dist/server.js' });
const models = process.argv.flatMap((a, i) => (a === '--model' ? [process.argv[i + 1]] : []));
if (models.length > 0) servers.splice(0, servers.length, ...servers.flatMap((s) => models.map((model) => ({ ...s, label: `${s.label} ${model}`, settings: { model } }))));
const COLD_RUNS = arg('cold-runs', 3);
const EDITS = arg('edits', 100);
const HOVERS = arg('hovers', 300);
const PAIRS = 20_000;
const VOCABULARY = 100_000;
const DEBOUNCE_MS = 150; // the server's default; edits are spaced past it so each one runs at once
// Idle time before each hover. 0 (the default) sends hovers back to back, so the server's caches
// stay warm; in an editor hovers come after a pause, by which time other processes may have
// evicted the vocabulary from the CPU caches (`--hover-gap 100` measures that case).
const HOVER_GAP_MS = arg('hover-gap', 0);
const FLOOR = !process.argv.includes('--no-floor');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-bench-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const round = (x) => Math.round(x * 10) / 10;
/** The servers in turn, starting from a different one each round, so none always goes first. */
const inTurn = (round) => servers.map((_, k) => servers[(k + round) % servers.length]);

async function start(server, settings = {}) {
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, server.path, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiters = [];
  const logs = [];
  conn.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
    for (const w of [...waiters]) if (w.pred(p)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(p);
    }
  });
  conn.onNotification(rpc.LogMessageNotification.type, (p) => {
    logs.push(p.message);
    for (const w of [...waiters]) if (w.log && w.log(p.message)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(p.message);
    }
  });
  conn.onNotification('synonymLens/modelStatus', () => undefined);
  conn.onRequest(rpc.ConfigurationRequest.type, (p) => p.items.map(() => ({ ...server.settings, ...settings })));
  conn.onRequest(rpc.RegistrationRequest.type, () => undefined);
  conn.onRequest('workspace/inlayHint/refresh', () => null);
  conn.listen();
  await conn.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(tmp).toString(),
    workspaceFolders: [{ uri: pathToFileURL(tmp).toString(), name: 'bench' }],
    capabilities: { workspace: { configuration: true } },
  });
  await conn.sendNotification(rpc.InitializedNotification.type, {});
  const waitDiagnostics = (pred, timeout = 300_000) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timeout waiting for diagnostics')), timeout);
      waiters.push({ pred, resolve: (p) => (clearTimeout(t), resolve(p)) });
    });
  const waitLog = (re, timeout = 300_000) =>
    logs.some((m) => re.test(m))
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`timeout waiting for log ${re}`)), timeout);
          waiters.push({ pred: () => false, log: (m) => re.test(m), resolve: () => (clearTimeout(t), resolve()) });
        });
  const rss = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
  };
  const stop = async () => {
    await conn.sendRequest(rpc.ShutdownRequest.type).catch(() => undefined);
    await conn.sendNotification(rpc.ExitNotification.type).catch(() => undefined);
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    conn.dispose();
  };
  return { conn, child, waitDiagnostics, waitLog, rss, stop };
}

const isFull = (p) => p.diagnostics.some((d) => d.code === 'low-similarity');
const text20k = dictionary(PAIRS);
const uri = pathToFileURL(path.join(tmp, 'bench.synonyms.csv')).toString();
const open = (s, t) =>
  s.conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'synonym-csv', version: 1, text: t } });
const figures = new Map(servers.map((s) => [s, { coldStructural: [], coldFull: [], edits: [], hovers: [] }]));

// 1. Cold: a fresh process per run; open → first (structural) and first complete diagnostics.
for (let r = 0; r < COLD_RUNS; r++) {
  for (const server of inTurn(r)) {
    const f = figures.get(server);
    const s = await start(server);
    const t0 = performance.now();
    const structural = s.waitDiagnostics((p) => p.uri === uri).then(() => f.coldStructural.push(performance.now() - t0));
    await open(s, text20k);
    await s.waitDiagnostics((p) => p.uri === uri && isFull(p));
    f.coldFull.push(performance.now() - t0);
    await structural;
    await s.stop();
  }
}

// 2. Warm edits: the same file, every edit rewrites one row's synonym to a term already embedded.
const running = new Map();
for (const server of servers) running.set(server, await start(server, { vocabularyFiles: ['vocabulary.txt'] }));
const firstPublish = await Promise.all(servers.map(async (server) => {
  const s = running.get(server);
  await open(s, text20k);
  return s.waitDiagnostics((p) => p.uri === uri && isFull(p));
}));
// The transport floor: a stub server that does no work and answers each edit with the first
// server's complete publish (same diagnostics, same JSON), timed in turn with the servers.
const stub = { path: path.join(tmp, 'stub.cjs'), label: 'transport floor (stub)' };
const editTargets = [...servers];
if (FLOOR) {
  writeFileSync(path.join(tmp, 'publish.json'), JSON.stringify(firstPublish[0].diagnostics));
  writeFileSync(
    stub.path,
    `const { createConnection, ProposedFeatures } = require(require.resolve('vscode-languageserver/node', { paths: [${JSON.stringify(root)}] }));
const diagnostics = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(path.join(tmp, 'publish.json'))}, 'utf8'));
const connection = createConnection(ProposedFeatures.all);
connection.onInitialize(() => ({ capabilities: { textDocumentSync: 2 } }));
connection.onDidChangeTextDocument((p) => {
  const version = p.textDocument.version;
  void connection.sendDiagnostics({ uri: p.textDocument.uri, version, diagnostics: diagnostics.map((d) => (d.data ? { ...d, data: { ...d.data, version } } : d)) });
});
connection.listen();
`,
  );
  running.set(stub, await start(stub));
  figures.set(stub, { edits: [] });
  editTargets.push(stub);
}
const lines = text20k.split('\n');
let version = 1;
for (let i = 0; i < EDITS + 5; i++) {
  const line = 1 + ((i * 7919) % PAIRS);
  const [term, current, label] = lines[line].split(',');
  // Another row's synonym: a term the server has embedded already (warm cache).
  const next = lines[1 + ((line + 1) % PAIRS)].split(',')[1];
  const from = term.length + 1;
  const v = ++version;
  for (const server of editTargets.map((_, k) => editTargets[(k + i) % editTargets.length])) {
    const s = running.get(server);
    await sleep(DEBOUNCE_MS + 10);
    const t0 = performance.now();
    const done = s.waitDiagnostics((p) => p.uri === uri && p.version === v);
    await s.conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line, character: from }, end: { line, character: from + current.length } }, text: next }],
    });
    await done;
    if (i >= 5) figures.get(server).edits.push(performance.now() - t0);
  }
  lines[line] = `${term},${next},${label}`;
}
if (FLOOR) await running.get(stub).stop();

// 3. Hover over a 100,000-term vocabulary (a vocabulary file plus the dictionary's terms). The
// servers embed it one after the other, so each gets the machine to itself.
const vocab = vocabularyTerms(VOCABULARY);
writeFileSync(path.join(tmp, 'vocabulary.txt'), vocab.join('\n') + '\n');
for (const server of servers) {
  const s = running.get(server);
  const t0 = performance.now();
  await s.conn.sendNotification(rpc.DidChangeConfigurationNotification.type, { settings: null });
  await s.waitLog(/vocabulary\.txt: 100000 terms ready/);
  figures.get(server).vocabularyEmbedMs = performance.now() - t0;
}
for (let i = 0; i < HOVERS + 10; i++) {
  const line = 1 + ((i * 104729) % PAIRS);
  for (const server of inTurn(i)) {
    const s = running.get(server);
    const f = figures.get(server);
    if (HOVER_GAP_MS > 0) await sleep(HOVER_GAP_MS);
    const t0 = performance.now();
    const h = await s.conn.sendRequest(rpc.HoverRequest.type, { textDocument: { uri }, position: { line, character: 1 } });
    if (i >= 10) f.hovers.push(performance.now() - t0);
    f.neighbours = (h.contents.value.match(/^\d+\. /gm) ?? []).length;
  }
}
for (const server of servers) {
  const s = running.get(server);
  const f = figures.get(server);
  f.nb = await s.conn.sendRequest('synonymLens/neighbors', { term: word(5) + '车', k: 10, uri });
  f.mem = s.rss();
  await s.stop();
}

rmSync(tmp, { recursive: true, force: true });

const results = servers.map((server) => {
  const f = figures.get(server);
  return {
    label: server.label,
    coldFirstStructuralDiagnosticsP50Ms: round(pct(f.coldStructural, 50)),
    coldFirstCompleteDiagnosticsP50Ms: round(pct(f.coldFull, 50)),
    coldFirstCompleteDiagnosticsP95Ms: round(pct(f.coldFull, 95)),
    coldRuns: COLD_RUNS,
    warmEditToDiagnosticsP50Ms: round(pct(f.edits, 50)),
    warmEditToDiagnosticsP95Ms: round(pct(f.edits, 95)),
    edits: f.edits.length,
    hoverP50Ms: round(pct(f.hovers, 50)),
    hoverP95Ms: round(pct(f.hovers, 95)),
    hovers: f.hovers.length,
    hoverNeighbours: f.neighbours,
    vocabularyTerms: f.nb.vocabularySize,
    vocabularyEmbedMs: Math.round(f.vocabularyEmbedMs),
    serverRssMiB: round(f.mem.rssMiB),
    serverPeakRssMiB: round(f.mem.peakMiB),
    pairs: PAIRS,
  };
});
const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`load average at the end: ${load} (${os.cpus().length} cores)`);
const floor = FLOOR ? figures.get(stub).edits : [];
const floorFigures = FLOOR
  ? { transportFloorP50Ms: round(pct(floor, 50)), transportFloorP95Ms: round(pct(floor, 95)), publishedDiagnostics: firstPublish[0].diagnostics.length }
  : {};
if (FLOOR) {
  console.log(`transport floor, edit → diagnostics (a stub server re-sending a ${firstPublish[0].diagnostics.length}-diagnostic publish, no work): p50 ${floorFigures.transportFloorP50Ms} / p95 ${floorFigures.transportFloorP95Ms} ms`);
}
for (const r of results) {
  if (servers.length > 1) console.log(`— ${r.label}`);
  console.log(`first diagnostics, 20k pairs, cold: structural p50 ${r.coldFirstStructuralDiagnosticsP50Ms} ms, complete p50 ${r.coldFirstCompleteDiagnosticsP50Ms} / p95 ${r.coldFirstCompleteDiagnosticsP95Ms} ms (${COLD_RUNS} runs)`);
  console.log(`edit → diagnostics, 20k pairs, warm: p50 ${r.warmEditToDiagnosticsP50Ms} / p95 ${r.warmEditToDiagnosticsP95Ms} ms (${r.edits} edits)`);
  console.log(`hover, ${r.vocabularyTerms} vocabulary terms: p50 ${r.hoverP50Ms} / p95 ${r.hoverP95Ms} ms (${r.hovers} hovers, ${r.hoverNeighbours} neighbours each)`);
  console.log(`server RSS ${r.serverRssMiB} MiB (peak ${r.serverPeakRssMiB} MiB); 100k vocabulary embedded in ${r.vocabularyEmbedMs} ms`);
}
if (servers.length === 1) {
  const { label: _label, ...only } = results[0];
  console.log(JSON.stringify({ ...only, ...floorFigures }));
} else console.log(JSON.stringify({ servers: results, ...floorFigures }));
