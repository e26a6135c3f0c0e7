// Large dictionaries and large models (not a test). Prints, on generated data:
//  1. CLI `check` on 200k and 1M rows: wall time and peak RSS of `node dist/cli.js check` (report to
//     /dev/null), and the ratio 1M / 200k (linear would be 5); with `--before <cli.js>` the same for
//     a peer bundle (e.g. the code before streaming), alternating with ours, plus the ratios.
//  2. Persistent vectors: the bundled server (dist/server.js) opens a dictionary of `--pairs` pairs
//     with a generated transformer of bge-m3's shape (XLM-R large: hidden 1024, 16 heads, FFN 4096,
//     with `--layers` layers instead of 24 and a small Unigram vocabulary) twice: cold (empty vector
//     folder) and warm (the vectors the first run stored); didOpen → the complete publish, and
//     model ready → that publish.
//  3. Reading stored vectors: 40,000 vectors of 1,024 floats written to a vector file, then opened
//     and read back 256 a call (as the server asks) by this tree's DiskVectorStore and by
//     `--store-before`'s (a commit; default the one before block reads), alternating, median of 3.
//  4. The bundled server opens a dictionary of `--open-rows` rows (built-in model):
//     didOpen → the first publish (structural), → the first with model diagnostics, → the first with
//     model diagnostics on the 40 lines an editor shows (`synonymLens/visibleRanges`, mid-file), →
//     the complete one, and the
//     latency of hovers sent one after another meanwhile on the shown lines (`--hover-top`: on the
//     first 1,000 rows instead) (p95, max); with `--open-before` the same
//     for a peer server bundle (run second, then first, by size). `--open-first`: only didOpen → the
//     first publish and the server's RSS then (and its peak, VmHWM), each bundle `--open-runs` times
//     (default 2), alternating; with `--open-before`, whether both first publishes are the same JSON.
//  5. Memory of that server (RSS from /proc, Linux): open a `--memory-rows` dictionary until its
//     complete publish and close it, 4 times, RSS with nothing open 5 s after each close; then a
//     one-row edit every 50 ms for 10 s: when the last version is published (and how many versions
//     were), RSS before and 5 s after. Before the storm, three one-row edits on their own: edit → its
//     publish (the median goes into the JSON). `--memory-cycles` (default 4; 0: none). With
//     `--storm-before` the edits and the storm also for a peer server bundle, alternating with ours,
//     `--storm-runs` runs in all (default 2); the JSON holds the means.
// Usage: node scripts/build.mjs && node bench/scale.mjs [--rows 200000,1000000] [--before path/cli.js]
//        [--pairs 20000] [--layers 2] [--skip-cli] [--skip-vectors] [--keep-vectors] [--vectors-before path/server.js] [--skip-store-read] [--skip-open] [--open-rows 1000000] [--open-before path/server.js] [--hover-top] [--open-first] [--open-runs 2]
//        [--skip-memory] [--memory-rows 200000] [--memory-cycles 4] [--storm-before path/server.js] [--storm-runs 2]
//        [--store-vectors 40000] [--store-before 78ddce7]
// Dictionaries: rows `term,synonym,label` from the 3,327 terms of test/fixtures/data/zh-synonyms-dev.csv
// and English words, combined (two terms, term + model code, year + term, term + suffix + number,
// three words); one row in five label 0 with an unrelated term, one in three an unrelated positive
// (flagged), the rest a term and its suffixed form. Deterministic (a fixed-seed LCG).
// The last line is one JSON object; key names carry their units.
import * as esbuild from 'esbuild';
import { bundleTs } from './bundle.mjs';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000,1000000' },
    before: { type: 'string' },
    pairs: { type: 'string', default: '20000' },
    layers: { type: 'string', default: '2' },
    'skip-cli': { type: 'boolean', default: false },
    'skip-vectors': { type: 'boolean', default: false },
    'keep-vectors': { type: 'boolean', default: false },
    'vectors-before': { type: 'string' },
    'skip-store-read': { type: 'boolean', default: false },
    'skip-open': { type: 'boolean', default: false },
    'hover-top': { type: 'boolean', default: false },
    'skip-memory': { type: 'boolean', default: false },
    'memory-rows': { type: 'string', default: '200000' },
    'memory-cycles': { type: 'string', default: '4' },
    'storm-before': { type: 'string' },
    'storm-runs': { type: 'string', default: '2' },
    'open-rows': { type: 'string', default: '1000000' },
    'open-before': { type: 'string' },
    'open-first': { type: 'boolean', default: false },
    'open-runs': { type: 'string', default: '2' },
    'store-vectors': { type: 'string', default: '40000' },
    'store-before': { type: 'string', default: '78ddce7' },
  },
});
const out = path.join(root, 'out/bench/scale');
mkdirSync(out, { recursive: true });
const result = {};

// ---- data
const dev = readFileSync(path.join(root, 'test/fixtures/data/zh-synonyms-dev.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
const base = [...new Set(dev.flatMap((r) => [r[0], r[1]]).filter(Boolean))];
const en = 'car auto motor sedan truck engine wheel brake tire battery charger cable phone laptop screen camera lens printer router speaker watch shoe jacket shirt coat bag wallet lamp chair table sofa bed pillow kettle oven fridge washer dryer drill hammer saw glue paint brush pen paper book map ticket hotel flight train bus taxi bike helmet'.split(' ');
const codes = ['SUV', 'Pro', 'Max', 'X5', 'RAV4', 'V8', '4WD', 'GT', 'Plus', 'Mini', 'EV', 'Hybrid', '2.0T', 'i7'];
const suffixes = ['款', '系列', '版', '型', '套装', '配件', '价格', '官网'];
function dictionary(rows) {
  let s = 2026;
  const r = (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const pick = (xs) => xs[r(xs.length)];
  const term = () => {
    const k = r(6);
    return k === 0 ? pick(base) + pick(base)
      : k === 1 ? `${pick(base)}${pick(base)}${pick(codes)}`
      : k === 2 ? `${pick(en)} ${pick(en)} ${pick(en)}`
      : k === 3 ? `${2000 + r(26)}款${pick(base)}${pick(base)}`
      : k === 4 ? `${pick(en)} ${pick(en)} ${pick(codes)}${r(10)}`
      : `${pick(base)}${pick(suffixes)}${r(100)}`;
  };
  const lines = ['term,synonym,label'];
  for (let i = 0; i < rows; i++) {
    const a = term();
    lines.push(r(5) === 0 ? `${a},${term()},0` : r(3) === 0 ? `${a},${term()},1` : `${a},${a}${pick(suffixes)},1`);
  }
  return lines.join('\n') + '\n';
}
function dictionaryFile(rows) {
  const file = path.join(out, `dict-${rows}.csv`);
  if (!existsSync(file)) writeFileSync(file, dictionary(rows));
  return file;
}

/** Bundles test/lsp/client.ts and the generator helpers once (the vector case and this one use them). */
let helpers;
async function benchHelpers() {
  if (helpers) return helpers;
  const bundle = path.join(out, 'scale-helpers.cjs');
  await bundleTs(
    `export { startServer } from './test/lsp/client';
export { randomWeights, writeModelFolder } from './test/helpers/encoderModel';
export { unigramTokenizer, smallUnigramPieces, xlmrTokenizerConfig, devTerms } from './test/helpers/tokenizers';`,
    bundle,
    {
      external: ['@huggingface/tokenizers', 'tokenizers'],
      // The helpers find their fixtures relative to their own folders.
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(root, 'test/lsp/client.ts')).toString()), __dirname: JSON.stringify(path.join(root, 'test/helpers')) },
    },
  );
  return (helpers = createRequire(import.meta.url)(bundle));
}
/** Distinct terms of a generated dictionary (trimmed cells of its two term columns): the vocabulary once all are embedded. */
const termCount = (text) => new Set(text.split('\n').slice(1).flatMap((l) => l.split(',').slice(0, 2)).filter(Boolean)).size;
/**
 * Resolves when the server has embedded and scored every term of `text`: the model status it sends
 * after the complete publish counts them all (model diagnostics are published partially before).
 */
function untilComplete(server, text, after) {
  const terms = termCount(text);
  return server.waitStatus((st) => st.state === 'ready' && st.vocabularySize >= terms, { timeoutMs: 3_600_000, after, what: `the status counting ${terms} terms` });
}

// ---- 1. CLI check
/** Runs a CLI bundle's `check` in a child process; wall ms and the child's own peak RSS (preloaded probe). */
const probe = path.join(out, 'rss-probe.cjs');
writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(process.env.SCALE_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`);
function runCheck(cli, file) {
  const rssFile = path.join(out, `rss-${process.pid}.txt`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', probe, cli, 'check', file], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SCALE_RSS_FILE: rssFile } });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 && code !== 1) return reject(new Error(`${cli} check ${file} exited ${code}`));
      resolve({ s: Math.round(ms / 100) / 10, rssMiB: Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024) });
    });
  });
}
if (!args['skip-cli']) {
  const cli = path.join(root, 'dist/cli.js');
  const rows = args.rows.split(',').map(Number);
  const peers = [{ label: 'after', cli }, ...(args.before ? [{ label: 'before', cli: path.resolve(args.before) }] : [])];
  for (const n of rows) {
    const file = dictionaryFile(n);
    const mb = statSync(file).size / 2 ** 20;
    // Alternate the order per size so neither always runs first.
    const order = rows.indexOf(n) % 2 ? [...peers].reverse() : peers;
    for (const p of order) {
      const r = await runCheck(p.cli, file);
      console.log(`check ${n} rows (${mb.toFixed(1)} MiB), ${p.label}: ${r.s} s, peak RSS ${r.rssMiB} MiB`);
      result[`check_${p.label}_${n}_s`] = r.s;
      result[`check_${p.label}_${n}_peak_rss_mib`] = r.rssMiB;
    }
  }
  if (rows.length >= 2) {
    const [small, large] = [rows[0], rows[rows.length - 1]];
    for (const p of peers) result[`check_${p.label}_time_ratio_${large}_to_${small}_x`] = +(result[`check_${p.label}_${large}_s`] / result[`check_${p.label}_${small}_s`]).toFixed(2);
    if (args.before) for (const n of rows) result[`check_before_to_after_${n}_time_x`] = +(result[`check_before_${n}_s`] / result[`check_after_${n}_s`]).toFixed(2);
  }
}

// ---- 2. persistent vectors through the server
if (!args['skip-vectors']) {
  const h = await benchHelpers();
  const layers = Number(args.layers);
  const modelDir = path.join(out, `bge-m3-shaped-${layers}l`);
  if (!existsSync(path.join(modelDir, 'config.json'))) {
    const tokenizer = h.unigramTokenizer(h.smallUnigramPieces(h.devTerms(), 3000));
    const vocab = tokenizer.model.vocab.length;
    const w = h.randomWeights({ arch: 'xlmr', vocab, hidden: 1024, heads: 16, layers, ffn: 4096, maxPositions: 514, typeVocab: 1, padId: 1, eps: 1e-5 }, 3);
    h.writeModelFolder(modelDir, w, { tokenizer, tokenizerConfig: h.xlmrTokenizerConfig });
  }
  const pairs = Number(args.pairs);
  const dictPath = path.join(out, `pairs-${pairs}.csv`);
  writeFileSync(dictPath, dictionary(pairs));
  const text = readFileSync(dictPath, 'utf8');
  const uri = pathToFileURL(dictPath).toString();
  const vectorsDir = path.join(out, 'vectors');
  // --keep-vectors: reuse the vectors a previous run stored (warm runs only, while working on the warm path).
  const keep = args['keep-vectors'] && existsSync(vectorsDir);
  if (!keep) rmSync(vectorsDir, { recursive: true, force: true });
  const once = async (label, bundle) => {
    const server = await h.startServer({ env: { SYNONYM_LENS_VECTORS_DIR: vectorsDir }, settings: { model: modelDir }, ...(bundle ? { server: bundle } : {}) });
    try {
      const t0 = performance.now();
      let readyAt;
      const ready = server.waitStatus((s) => s.state === 'ready', { timeoutMs: 600_000 }).then(() => (readyAt = performance.now()));
      server.open(uri, text);
      // Complete: the status sent after the complete publish counts every term (the first model
      // diagnostics may be a partial publish of the top of the file).
      await untilComplete(server, text, 0);
      const t1 = performance.now();
      await ready;
      const published = server.diagnostics.events.filter((e) => e.uri === uri).at(-1);
      const loaded = server.logs.events.find((m) => /^Model .* loaded in/.test(m)) ?? '';
      console.log(`${label}: didOpen → complete diagnostics ${(t1 - t0).toFixed(0)} ms (model ready → ${(t1 - readyAt).toFixed(0)} ms), ${published.diagnostics.length} diagnostics; ${loaded}`);
      return { openMs: Math.round(t1 - t0), afterReadyMs: Math.round(t1 - readyAt), diagnostics: published.diagnostics.map((d) => `${d.range.start.line}:${d.message}`).join('\n') };
    } finally {
      await server.stop();
    }
  };
  const cold = keep ? undefined : await once('cold (no stored vectors)');
  // With --vectors-before <server.js>: warm opens by that bundle and by ours, alternating, twice
  // each (ours first: it writes the index file its later opens read; the peer ignores that file).
  const peer = args['vectors-before'] && path.resolve(args['vectors-before']);
  const warmRuns = { after: [], before: [] };
  for (let r = 0; r < (peer ? 2 : 1); r++) {
    for (const label of !peer ? ['after'] : r % 2 ? ['before', 'after'] : ['after', 'before']) {
      warmRuns[label].push(await once(`warm (vectors from disk), ${label}`, label === 'before' ? peer : undefined));
    }
  }
  const mean = (xs, key) => Math.round(xs.reduce((a, x) => a + x[key], 0) / xs.length);
  const warm = { openMs: mean(warmRuns.after, 'openMs'), afterReadyMs: mean(warmRuns.after, 'afterReadyMs'), diagnostics: warmRuns.after[0].diagnostics };
  for (const w of warmRuns.before) if (w.diagnostics !== warm.diagnostics) throw new Error('the peer\'s warm diagnostics differ from ours');
  if (peer) {
    Object.assign(result, {
      vectors_warm_before_open_to_complete_ms: mean(warmRuns.before, 'openMs'),
      vectors_warm_before_ready_to_complete_ms: mean(warmRuns.before, 'afterReadyMs'),
      vectors_warm_before_to_after_x: +(mean(warmRuns.before, 'openMs') / warm.openMs).toFixed(2),
    });
  }
  if (cold && cold.diagnostics !== warm.diagnostics) throw new Error('warm diagnostics differ from cold ones');
  Object.assign(result, {
    vectors_pairs: pairs,
    vectors_model_layers: layers,
    ...(cold ? { vectors_cold_open_to_complete_ms: cold.openMs, vectors_cold_ready_to_complete_ms: cold.afterReadyMs } : {}),
    vectors_warm_open_to_complete_ms: warm.openMs,
    vectors_warm_ready_to_complete_ms: warm.afterReadyMs,
    ...(cold ? { vectors_cold_to_warm_x: +(cold.openMs / warm.openMs).toFixed(1) } : {}),
    // The store's folder (32 hex digits), not the model records' `models/` beside it.
    vectors_file_mib: +(statSync(path.join(vectorsDir, readdirSync(vectorsDir).find((f) => /^[0-9a-f]{32}$/.test(f)), 'vectors.slv')).size / 2 ** 20).toFixed(1),
  });
}

/** A server's resident set and its peak so far, in MiB (Linux). */
function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (key) => Math.round(Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)[1]) / 1024);
  return { rss: mib('VmRSS'), peak: mib('VmHWM') };
}
const avg = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;

// ---- 4a. --open-first: the server opens a large dictionary, until its first publish only
if (!args['skip-open'] && args['open-first']) {
  const h = await benchHelpers();
  const peers = [{ label: 'after' }, ...(args['open-before'] ? [{ label: 'before', server: path.resolve(args['open-before']) }] : [])];
  const runs = Number(args['open-runs']);
  for (const n of args['open-rows'].split(',').map(Number)) {
    const file = dictionaryFile(n);
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).toString();
    const seen = {};
    // Alternating: before, after, after, before … (the peer first on odd runs).
    for (let run = 0; run < runs; run++) for (const peer of run % 2 ? [...peers].reverse() : peers) {
      const server = await h.startServer({ settings: {}, ...(peer.server ? { server: peer.server } : {}) });
      try {
        const t0 = performance.now();
        server.open(uri, text);
        const published = await server.waitDiagnostics(uri, () => true, { timeoutMs: 3_600_000 });
        const ms = performance.now() - t0;
        const mem = rssOf(server.child.pid);
        // Diagnostics link to docs/diagnostics.md beside each bundle: the peer's links are written as ours.
        const peerRoot = peer.server ? pathToFileURL(path.dirname(path.dirname(realpathSync(peer.server)))).href : undefined;
        const raw = JSON.stringify(published);
        const json = peerRoot ? raw.replaceAll(`${peerRoot}/`, `${pathToFileURL(root).href}/`) : raw;
        const s = (seen[peer.label] ??= { ms: [], rss: [], peak: [], json });
        s.ms.push(ms);
        s.rss.push(mem.rss);
        s.peak.push(mem.peak);
        if (s.json !== json) throw new Error(`${peer.label}: the first publish differs between runs`);
        console.log(`server open ${n} rows, ${peer.label}, run ${run + 1}: first publish ${(ms / 1000).toFixed(1)} s (${published.diagnostics.length} diagnostics, ${json.length} chars), RSS then ${mem.rss} MiB, peak ${mem.peak} MiB`);
      } finally {
        await server.stop();
      }
    }
    for (const [label, s] of Object.entries(seen)) {
      Object.assign(result, {
        [`open_first_${label}_${n}_first_publish_s`]: +(avg(s.ms) / 1000).toFixed(2),
        [`open_first_${label}_${n}_rss_mib`]: Math.max(...s.rss),
        [`open_first_${label}_${n}_peak_rss_mib`]: Math.max(...s.peak),
      });
    }
    if (seen.before) {
      const same = seen.before.json === seen.after.json;
      console.log(`server open ${n} rows: first publish of after ${same ? 'identical to' : 'DIFFERS from'} before's (JSON, ${seen.after.json.length} chars)`);
      Object.assign(result, {
        [`open_first_${n}_identical`]: same,
        [`open_first_${n}_before_to_after_x`]: +(avg(seen.before.ms) / avg(seen.after.ms)).toFixed(2),
      });
    }
  }
}

// ---- 4. the server opens a large dictionary: first publish, complete publish, hovers meanwhile
if (!args['skip-open'] && !args['open-first']) {
  const hoverTop = args['hover-top'];
  const h = await benchHelpers();
  const peers = [{ label: 'after' }, ...(args['open-before'] ? [{ label: 'before', server: path.resolve(args['open-before']) }] : [])];
  for (const n of args['open-rows'].split(',').map(Number)) for (const peer of n % 2 ? [...peers].reverse() : peers) {
    const file = dictionaryFile(n);
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).toString();
    const server = await h.startServer({ settings: {}, ...(peer.server ? { server: peer.server } : {}) });
    try {
      const t0 = performance.now();
      server.open(uri, text);
      // An editor showing 40 lines in the middle of the file (a peer without the notification ignores it).
      const shown = { from: Math.floor(n / 2), to: Math.floor(n / 2) + 39 };
      void server.connection.sendNotification('synonymLens/visibleRanges', { uri, ranges: [{ start: { line: shown.from, character: 0 }, end: { line: shown.to, character: 0 } }] });
      let first, firstModel, visibleModel, complete;
      const visibleP = server
        .waitDiagnostics(uri, (d) => d.some((x) => x.code === 'low-similarity' && x.range.start.line >= shown.from && x.range.start.line <= shown.to), { timeoutMs: 3_600_000, what: 'model diagnostics of the visible rows' })
        .then(() => (visibleModel = performance.now() - t0));
      const firstP = server.waitDiagnostics(uri, () => true, { timeoutMs: 3_600_000 }).then(() => (first = performance.now() - t0));
      const firstModelP = server
        .waitDiagnostics(uri, (d) => d.some((x) => x.code === 'low-similarity'), { timeoutMs: 3_600_000, what: 'model diagnostics' })
        .then(() => (firstModel = performance.now() - t0));
      const completeP = untilComplete(server, text, 0).then(() => (complete = performance.now() - t0));
      // Hovers one after another (each sent when the previous is answered) until the complete publish.
      const latencies = [];
      while (complete === undefined) {
        const s0 = performance.now();
        // On the lines the editor shows (what a user hovers), or with --hover-top on the first 1,000 rows.
        const line = hoverTop ? 1 + (latencies.length % 1000) : shown.from + (latencies.length % 40);
        await server.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 1 } });
        latencies.push(performance.now() - s0);
      }
      // A peer that publishes top-first with the diagnostics cap may never show the middle rows'
      // model diagnostics: their wait ends with the complete status (reported as "never").
      await Promise.all([firstP, firstModelP, completeP]);
      await Promise.race([visibleP, completeP]);
      latencies.sort((x, y) => x - y);
      const p95 = latencies[Math.floor(0.95 * (latencies.length - 1))];
      const max = latencies[latencies.length - 1];
      console.log(`server open ${n} rows, ${peer.label}: first publish (structural) ${(first / 1000).toFixed(1)} s, first model diagnostics ${(firstModel / 1000).toFixed(1)} s, of the visible rows ${visibleModel === undefined ? 'never (capped)' : `${(visibleModel / 1000).toFixed(1)} s`}, complete ${(complete / 1000).toFixed(1)} s; ${latencies.length} hovers meanwhile: p95 ${p95.toFixed(0)} ms, max ${max.toFixed(0)} ms`);
      Object.assign(result, {
        [`open_${peer.label}_${n}_first_publish_s`]: +(first / 1000).toFixed(1),
        [`open_${peer.label}_${n}_first_model_publish_s`]: +(firstModel / 1000).toFixed(1),
        ...(visibleModel === undefined ? {} : { [`open_${peer.label}_${n}_visible_model_publish_s`]: +(visibleModel / 1000).toFixed(1) }),
        [`open_${peer.label}_${n}_complete_s`]: +(complete / 1000).toFixed(1),
        [`open_${peer.label}_${n}_hovers`]: latencies.length,
        [`open_${peer.label}_${n}_hover_p95_ms`]: Math.round(p95),
        [`open_${peer.label}_${n}_hover_max_ms`]: Math.round(max),
      });
    } finally {
      await server.stop();
    }
  }
}

// ---- 5. memory of the server: open/close cycles and an edit storm
if (!args['skip-memory']) {
  const h = await benchHelpers();
  const n = Number(args['memory-rows']);
  const file = dictionaryFile(n);
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).toString();
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5000));
  const cycles = Number(args['memory-cycles']);
  // With --storm-before <server.js>: the one-row edits and the storm for that bundle too, alternating.
  const peers = [{ label: 'after' }, ...(args['storm-before'] ? [{ label: 'before', server: path.resolve(args['storm-before']) }] : [])];
  const runs = peers.length > 1 ? Number(args['storm-runs']) : 1;
  const storms = { after: [], before: [] };
  for (let run = 0; run < runs; run++) for (const peer of run % 2 ? [...peers].reverse() : peers) {
    const server = await h.startServer({ settings: {}, ...(peer.server ? { server: peer.server } : {}) });
    /** The server's resident set in MiB (Linux). */
    const rss = () => rssOf(server.child.pid).rss;
    const complete = () => untilComplete(server, text, server.statuses.events.length);
    try {
      if (peer.label === 'after' && run === 0 && cycles > 0) {
        const closedRss = [];
        for (let cycle = 1; cycle <= cycles; cycle++) {
          const done = complete();
          const t0 = performance.now();
          server.open(uri, text);
          await done;
          const openMs = performance.now() - t0;
          const openRss = rss();
          const closedAt = server.diagnostics.events.length;
          server.close(uri);
          await server.waitDiagnostics(uri, (d) => d.length === 0, { after: closedAt, what: 'the clearing publish of the close' });
          await settle();
          closedRss.push(rss());
          console.log(`memory ${n} rows, cycle ${cycle}: open → complete ${(openMs / 1000).toFixed(1)} s, RSS open ${openRss} MiB, nothing open 5 s after close ${closedRss[cycle - 1]} MiB`);
        }
        Object.assign(result, {
          memory_rows: n,
          ...Object.fromEntries(closedRss.map((m, i) => [`memory_closed_after_cycle_${i + 1}_rss_mib`, m])),
          memory_closed_last_to_first_x: +(closedRss[closedRss.length - 1] / closedRss[0]).toFixed(2),
        });
      }
      const done = complete();
      server.open(uri, text);
      await done;
      await settle();
      // One-row edits, each on its own (the previous one published, then a pause): edit → its publish.
      let version = 1;
      const single = [];
      for (let e = 0; e < 3; e++) {
        const line = Math.floor(n / 4) * (e + 1);
        const t0 = performance.now();
        version = server.change(uri, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `y${e}` }]);
        await server.waitDiagnostics(uri, (_, v) => v === version, { timeoutMs: 600_000, what: `diagnostics of version ${version}` });
        single.push(performance.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      await settle();
      // Edit storm: a one-row edit every 50 ms for 10 s, then RSS 5 s after the last edit.
      const before = rss();
      const publishedBefore = server.diagnostics.events.length;
      const tEnd = performance.now() + 10_000;
      let k = 0;
      while (performance.now() < tEnd) {
        const line = 1 + ((k * 7919) % n);
        version = server.change(uri, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `x${k++}` }]);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const last = performance.now();
      await server.waitDiagnostics(uri, (_, v) => v === version, { timeoutMs: 600_000, what: `diagnostics of version ${version}` });
      const lateMs = performance.now() - last;
      const publishes = server.diagnostics.events.length - publishedBefore;
      await settle();
      const after = rss();
      const med = [...single].sort((x, y) => x - y)[1];
      console.log(`memory ${n} rows, ${peer.label}, run ${run + 1}: one-row edit → its publish ${single.map((ms) => ms.toFixed(0)).join(', ')} ms; edit storm (${k} edits in 10 s, ${publishes} publishes): last version published ${lateMs.toFixed(0)} ms after the last edit; RSS before ${before} MiB, 5 s after ${after} MiB (${((after / before - 1) * 100).toFixed(1)} %)`);
      storms[peer.label].push({ single: med, lateMs, before, after, k, publishes });
    } finally {
      await server.stop();
    }
  }
  for (const [label, xs] of Object.entries(storms)) {
    if (xs.length === 0) continue;
    const tag = label === 'after' ? '' : 'before_';
    Object.assign(result, {
      memory_rows: n,
      [`memory_${tag}edit_publish_median_ms`]: Math.round(avg(xs.map((x) => x.single))),
      [`memory_${tag}storm_edits`]: Math.round(avg(xs.map((x) => x.k))),
      [`memory_${tag}storm_publishes`]: Math.round(avg(xs.map((x) => x.publishes))),
      [`memory_${tag}storm_last_publish_ms`]: Math.round(avg(xs.map((x) => x.lateMs))),
      [`memory_${tag}storm_before_rss_mib`]: Math.round(avg(xs.map((x) => x.before))),
      [`memory_${tag}storm_after_5s_rss_mib`]: Math.round(avg(xs.map((x) => x.after))),
      [`memory_${tag}storm_after_to_before_x`]: +avg(xs.map((x) => x.after / x.before)).toFixed(2),
    });
  }
  if (storms.before.length > 0) {
    result.memory_storm_last_publish_before_to_after_x = +(result.memory_before_storm_last_publish_ms / result.memory_storm_last_publish_ms).toFixed(2);
    result.memory_edit_publish_before_to_after_x = +(result.memory_before_edit_publish_median_ms / result.memory_edit_publish_median_ms).toFixed(2);
  }
}

// ---- 3. reading stored vectors: this tree's DiskVectorStore against a peer commit's, same file
if (!args['skip-store-read']) {
  const { execFileSync } = await import('node:child_process');
  const load = async (label, contents) => {
    const outfile = path.join(out, `diskVectorStore-${label}.cjs`);
    await esbuild.build({ stdin: { contents, resolveDir: path.join(root, 'src/runtime/model'), loader: 'ts' }, bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning' });
    return createRequire(import.meta.url)(outfile).DiskVectorStore;
  };
  const peerRev = args['store-before'];
  const Ours = await load('after', readFileSync(path.join(root, 'src/runtime/model/diskVectorStore.ts'), 'utf8'));
  const Peer = await load('before', execFileSync('git', ['show', `${peerRev}:src/runtime/model/diskVectorStore.ts`], { cwd: root, encoding: 'utf8' }));
  const n = Number(args['store-vectors']);
  const dim = 1024;
  const texts = [...new Set(dictionary(n).split('\n').slice(1).flatMap((l) => l.split(',').slice(0, 2)).filter(Boolean))].slice(0, n);
  const storeRoot = path.join(out, 'store-read');
  rmSync(storeRoot, { recursive: true, force: true });
  const w = Ours.open(storeRoot, 'bench', dim, { maxBytes: 2 ** 40 });
  for (let i = 0; i < texts.length; i += 256) w.putMany(texts.slice(i, i + 256).map((t, j) => [t, Float32Array.from({ length: dim }, (_, k) => Math.sin(i + j + k))]));
  w.close();
  const mib = statSync(path.join(storeRoot, readdirSync(storeRoot)[0], 'vectors.slv')).size / 2 ** 20;
  // As the server asks on a warm open: 256 terms a call (src/server/vocabulary.ts CHUNK), in dictionary order.
  const readAll = (Store) => {
    const t0 = performance.now();
    const st = Store.open(storeRoot, 'bench', dim, { maxBytes: 2 ** 40 });
    let found = 0;
    for (let i = 0; i < texts.length; i += 256) found += st.getMany(texts.slice(i, i + 256)).filter(Boolean).length;
    st.close();
    if (found !== texts.length) throw new Error(`read ${found} of ${texts.length} vectors`);
    return performance.now() - t0;
  };
  const times = { before: [], after: [] };
  for (let r = 0; r < 3; r++) for (const [label, Store] of r % 2 ? [['after', Ours], ['before', Peer]] : [['before', Peer], ['after', Ours]]) times[label].push(readAll(Store));
  const median = (xs) => [...xs].sort((x, y) => x - y)[1];
  console.log(`store read: ${texts.length} vectors of ${dim} f32 (${mib.toFixed(1)} MiB), open + read in calls of 256, median of 3: before (${peerRev}) ${median(times.before).toFixed(0)} ms, after ${median(times.after).toFixed(0)} ms`);
  Object.assign(result, {
    store_read_vectors: texts.length,
    store_read_before_ms: Math.round(median(times.before)),
    store_read_after_ms: Math.round(median(times.after)),
    store_read_before_to_after_x: +(median(times.before) / median(times.after)).toFixed(1),
  });
}

console.log(JSON.stringify(result));
// A wait left pending (the visible rows of a peer that never shows them) would hold the process.
process.exit(0);
