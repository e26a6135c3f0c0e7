// The built-in v2 graph's pooling: ours (graph version 2, `buildCharNgramV2Onnx`: each half's
// weighted sum as a batched MatMul, the lexicon scale folded into the weights) against the peer of
// version 1 (Mul by the unsqueezed weights, then ReduceSum; the scale multiplied over the gathered
// rows), written out below since it is no longer in src. Same tables (drawn from a fixed seed at the
// shipped shapes: char 32768 × 128 float32, meaning 151,571 × 128 int8), same batches: the dev
// terms' real char features, 1–4 random meaning rows each, in length-sorted batches of 256 padded to
// their own longest. One intra-op thread (the engine's default). Rounds alternate peer and ours.
// Usage: node --import tsx bench/builtinGraph.mjs [--rounds 5]
// The last line is one JSON object; key names carry their units.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BUILTIN_MODEL_CONFIG, featurize } from '../src/core/builtin/featurizer.ts';
import { buildCharNgramV2Onnx } from '../src/core/builtin/modelV2.ts';
import { attr, encodeModel, GraphBuilder } from '../src/core/onnx/writer.ts';
import { Random } from '../src/core/random.ts';
import { OnnxSession } from '../src/runtime/model/onnxAdapter.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const config = { ...BUILTIN_MODEL_CONFIG, version: 'char-ngram-v2' };
const lexicon = { rows: 151571, dimension: 128, alpha: 0.5, maxUnknownShare: 1, maxWordLength: 8 };
const rnd = new Random(2026);
const table = rnd.fillNormal(new Float32Array(config.buckets * config.dimension), 1 / Math.sqrt(config.dimension));
const values = Int8Array.from({ length: lexicon.rows * lexicon.dimension }, () => rnd.nextInt(255) - 127);
const scales = Float32Array.from({ length: lexicon.rows }, () => (1 + rnd.nextInt(100)) / 12800);
const meaning = { rows: lexicon.rows, dimension: lexicon.dimension, values, scales };

/** The version-1 graph (peer). */
function peerGraph() {
  const g = new GraphBuilder('synonym_lens_char_ngram_v2');
  const ids = g.input('ids', 'int64', ['batch', 'n']);
  const weights = g.input('weights', 'float32', ['batch', 'n']);
  const lexIds = g.input('lex_ids', 'int64', ['batch', 'm']);
  const lexWeights = g.input('lex_weights', 'float32', ['batch', 'm']);
  const tbl = g.initializer('table', 'float32', [config.buckets, config.dimension], table);
  const lexTbl = g.initializer('lexicon_int8', 'int8', [lexicon.rows, lexicon.dimension], values);
  const lexScale = g.initializer('lexicon_scale', 'float32', [lexicon.rows, 1], scales);
  const axis1 = g.int64s('axis_1', [1]);
  const axis2 = g.int64s('axis_2', [2]);
  const eps = g.float32Scalar('epsilon', 1e-12);
  const unit = (x) => g.node('Div', [x, g.node('Max', [g.node('ReduceL2', [x], { axes: attr.ints([1]), keepdims: attr.int(1) }), eps])]);
  const pool = (rows, w) => g.node('ReduceSum', [g.node('Mul', [rows, g.node('Unsqueeze', [w, axis2])]), axis1], { keepdims: attr.int(0) });
  const charHalf = unit(pool(g.node('Gather', [tbl, ids], { axis: attr.int(0) }), weights));
  const q = g.node('Cast', [g.node('Gather', [lexTbl, lexIds], { axis: attr.int(0) })], { to: attr.int(1) });
  const lexHalf = unit(pool(g.node('Mul', [q, g.node('Gather', [lexScale, lexIds], { axis: attr.int(0) })]), lexWeights));
  const joined = g.node('Concat', [g.node('Mul', [charHalf, g.float32Scalar('char_weight', Math.sqrt(1 - lexicon.alpha))]), g.node('Mul', [lexHalf, g.float32Scalar('lexicon_weight', Math.sqrt(lexicon.alpha))])], { axis: attr.int(1) });
  g.output(unit(joined), 'float32', ['batch', 256], 'embedding');
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }], irVersion: 8 });
}

// Batches as the engine makes them.
const dev = readFileSync(new URL('../test/fixtures/data/zh-synonyms-dev.csv', import.meta.url), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
const feats = [...new Set(dev.flatMap((r) => [r[0], r[1]]).filter(Boolean))].map((t) => featurize(t, config)).sort((a, b) => a.ids.length - b.ids.length);
const batches = [];
for (let start = 0; start < feats.length; start += 256) {
  const batch = feats.slice(start, start + 256);
  const n = Math.max(1, batch[batch.length - 1].ids.length);
  const m = 4;
  const ids = new BigInt64Array(batch.length * n);
  const weights = new Float32Array(batch.length * n);
  const lexIds = new BigInt64Array(batch.length * m);
  const lexWeights = new Float32Array(batch.length * m);
  batch.forEach((f, b) => {
    f.ids.forEach((id, k) => (ids[b * n + k] = BigInt(id)));
    weights.set(f.weights, b * n);
    for (let k = 0, rows = 1 + rnd.nextInt(m); k < rows; k++) {
      lexIds[b * m + k] = BigInt(rnd.nextInt(lexicon.rows));
      lexWeights[b * m + k] = 1;
    }
  });
  batches.push({ ids: { data: ids, dims: [batch.length, n] }, weights: { data: weights, dims: [batch.length, n] }, lex_ids: { data: lexIds, dims: [batch.length, m] }, lex_weights: { data: lexWeights, dims: [batch.length, m] } });
}

const sessions = { peer: await OnnxSession.create(peerGraph(), { threads: 1 }), ours: await OnnxSession.create(buildCharNgramV2Onnx(config, lexicon, table, meaning), { threads: 1 }) };
let maxDiff = 0;
for (const feeds of batches) {
  const [a, b] = [(await sessions.peer.run(feeds, ['embedding'])).embedding.data, (await sessions.ours.run(feeds, ['embedding'])).embedding.data];
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
}
const times = { peer: [], ours: [] };
for (let r = 0; r < Number(args.rounds); r++) {
  for (const name of r % 2 ? ['ours', 'peer'] : ['peer', 'ours']) {
    const t0 = performance.now();
    for (let rep = 0; rep < 10; rep++) for (const feeds of batches) await sessions[name].run(feeds, ['embedding']);
    times[name].push((performance.now() - t0) / 10);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [peer, ours] = [median(times.peer), median(times.ours)];
console.log(`${feats.length} terms in ${batches.length} batches, median of ${args.rounds}: peer (v1 graph) ${peer.toFixed(1)} ms, ours (v2 graph) ${ours.toFixed(1)} ms, ${(peer / ours).toFixed(2)}× ; max |difference| ${maxDiff}`);
await sessions.peer.dispose();
await sessions.ours.dispose();
console.log(JSON.stringify({ terms: feats.length, peer_ms: +peer.toFixed(1), ours_ms: +ours.toFixed(1), peer_to_ours_x: +(peer / ours).toFixed(2), max_abs_diff: maxDiff }));
