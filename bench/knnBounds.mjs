// Could v2's hover search scan 128 values a row, like v1's, and stay exact? (Not a test.)
//
//   node --import tsx bench/knnBounds.mjs [--queries 40]
//
// v2 vectors have 256 dimensions (128 char + 128 meaning), so `KnnIndex`'s int8 prefilter streams
// and multiplies twice v1's bytes; the hover's p95 is 1.28× v1's in bench/lsp.mjs. An exact
// search over fewer values needs a bound on what the rest can add. This measures two such bounds
// on two vocabularies embedded with `builtin` (v2):
//  - bench: bench/lsp.mjs's hover vocabulary, its 100,000-term vocabulary file and its
//    dictionary's terms (about 140,000 terms from 30 characters, `lspData.mjs`);
//  - dev: the 3,327 terms of test/fixtures/data/zh-synonyms-dev.csv (real, varied words).
// 1. PCA projection to 128 dims (second-moment matrix of the rows, Jacobi): the energy share the
//    top 128 components keep, and per query the rows an exact search would have to rescore:
//    projected score + ‖residual_row‖·‖residual_query‖ ≥ T, T = the 11th best exact score among
//    the 44 best by projected score (the query itself excluded).
// 2. Head/tail: the char half scanned first, the meaning half bounded by its norms; the share of
//    rows whose head score + ‖tail_row‖·‖tail_query‖ reaches the true 11th best score (an oracle
//    threshold: the least any such search must scan twice).
// Float arithmetic, no quantisation: these are lower bounds on the work. Last line: JSON.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { symmetricEigen } from '../src/core/builtin/svd.ts';
import { loadEngine } from '../src/runtime/model/load.ts';
import { dictionary, vocabularyTerms } from './lspData.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const QUERIES = args.includes('--queries') ? Number(args[args.indexOf('--queries') + 1]) : 40;
const K = 11; // the hover's 10 neighbours and the term itself
const D = 256;
const H = 128;

// The hover bench's vocabulary: its vocabulary file's terms and its dictionary's.
const bench = [...new Set([...vocabularyTerms(100_000), ...dictionary(20_000).trim().split('\n').slice(1).flatMap((l) => l.split(',').slice(0, 2))])];
const dev = [...new Set(readFileSync(path.join(root, 'test/fixtures/data/zh-synonyms-dev.csv'), 'utf8').trim().split('\n').slice(1).flatMap((l) => l.split(',').slice(0, 2)))];

const engine = await loadEngine('builtin', { modelsDir: path.join(root, 'models') });
if (engine.dimension !== D) throw new Error(`builtin has ${engine.dimension} dimensions, expected ${D}`);
const out = {};
for (const [name, terms] of [['bench', bench], ['dev', dev]]) {
  const X = (await engine.embedFlat(terms)).data;
  const N = terms.length;
  const dotRows = (a, b, from = 0, to = D) => {
    let s = 0;
    for (let d = from; d < to; d++) s += X[a * D + d] * X[b * D + d];
    return s;
  };
  const queries = Array.from({ length: Math.min(QUERIES, N) }, (_, i) => (i * 104729) % N);
  const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

  // 1. PCA projection.
  const M = new Float64Array(D * D);
  const sample = Math.min(N, 20_000);
  for (let s = 0; s < sample; s++) {
    const o = ((s * 7919) % N) * D;
    for (let i = 0; i < D; i++) {
      const xi = X[o + i];
      if (xi !== 0) for (let j = i; j < D; j++) M[i * D + j] += xi * X[o + j];
    }
  }
  for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) M[i * D + j] = M[j * D + i];
  const { values, vectors } = symmetricEigen(M, D);
  const order = [...values.keys()].sort((a, b) => values[b] - values[a]);
  const energy = order.slice(0, H).reduce((a, i) => a + values[i], 0) / values.reduce((a, x) => a + x, 0);
  const proj = new Float64Array(N * H);
  const residual = new Float64Array(N);
  for (let r = 0; r < N; r++) {
    let kept = 0;
    for (let k = 0; k < H; k++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += vectors[d * D + order[k]] * X[r * D + d];
      proj[r * H + k] = s;
      kept += s * s;
    }
    residual[r] = Math.sqrt(Math.max(0, dotRows(r, r) - kept));
  }
  const rescored = [];
  // 2. Head/tail.
  const tail = Float64Array.from({ length: N }, (_, r) => Math.sqrt(dotRows(r, r, H, D)));
  const twice = [];
  for (const q of queries) {
    const ps = new Float64Array(N);
    const full = new Float64Array(N);
    for (let r = 0; r < N; r++) {
      let s = 0;
      for (let k = 0; k < H; k++) s += proj[r * H + k] * proj[q * H + k];
      ps[r] = s;
      full[r] = r === q ? -Infinity : dotRows(r, q);
    }
    const byProjection = [...ps.keys()].filter((r) => r !== q).sort((a, b) => ps[b] - ps[a]).slice(0, 4 * K);
    const T = byProjection.map((r) => full[r]).sort((a, b) => b - a)[K - 1];
    let n = 0;
    for (let r = 0; r < N; r++) if (r !== q && ps[r] + residual[r] * residual[q] >= T) n++;
    rescored.push(n);
    const exactT = [...full].sort((a, b) => b - a)[K - 1];
    let m = 0;
    for (let r = 0; r < N; r++) if (r !== q && dotRows(r, q, 0, H) + tail[r] * tail[q] >= exactT) m++;
    twice.push(m / N);
  }
  const f = {
    [`${name}_rows`]: N,
    [`${name}_pca128_energy_share`]: +energy.toFixed(3),
    [`${name}_pca128_rescored_rows_p50`]: pct(rescored, 0.5),
    [`${name}_pca128_rescored_rows_p90`]: pct(rescored, 0.9),
    [`${name}_pca128_rescored_rows_max`]: Math.max(...rescored),
    [`${name}_headtail_share_scanned_twice_p50`]: +pct(twice, 0.5).toFixed(4),
    [`${name}_headtail_share_scanned_twice_p90`]: +pct(twice, 0.9).toFixed(4),
  };
  Object.assign(out, f);
  console.log(name, JSON.stringify(f));
}
await engine.dispose();
out.queries = QUERIES;
console.log(JSON.stringify(out));
