/**
 * The built-in model as data: its embedding table drawn from the seeded PRNG, its ONNX graph, and a
 * pure-TS reference of what the graph computes (used by tests and by anything that must embed
 * without onnxruntime).
 *
 * Graph (opset 17), for a batch of texts padded to n features:
 *   ids int64 [batch, n], weights float32 [batch, n] (0 on padding)
 *   g = Gather(table [buckets, dim], ids)          → [batch, n, dim]
 *   s = ReduceSum(g · Unsqueeze(weights, 2), 1)    → [batch, dim]   (mean pooling: weights are 1/n)
 *   embedding = s / max(ReduceL2(s, 1), 1e-12)     → [batch, dim]   (a zero vector stays zero)
 */
import { Random } from '../random';
import { encodeModel, GraphBuilder, attr } from '../onnx/writer';
import { CHAR_NGRAM_MODEL_TYPE, featurize, type CharNgramModelConfig } from './featurizer';

/** Graph layout version; part of the generator's up-to-date check. Bump when the graph changes. */
export const BUILTIN_GRAPH_VERSION = 1;

/** Names of the graph's inputs and output. */
export const BUILTIN_IO = { ids: 'ids', weights: 'weights', embedding: 'embedding' } as const;

/** Draws the [buckets × dimension] table, row-major, entries N(0, 1/dimension), from `config.seed`. */
export function generateEmbeddingTable(config: CharNgramModelConfig): Float32Array {
  const table = new Float32Array(config.buckets * config.dimension);
  return new Random(config.seed).fillNormal(table, 1 / Math.sqrt(config.dimension));
}

/** The ONNX model bytes for `config` with `table` ([buckets × dimension], e.g. fine-tuned). */
export function buildCharNgramOnnx(config: CharNgramModelConfig, table: Float32Array = generateEmbeddingTable(config)): Uint8Array {
  if (table.length !== config.buckets * config.dimension)
    throw new Error(`table has ${table.length} values, expected ${config.buckets} × ${config.dimension}`);
  const g = new GraphBuilder('synonym_lens_char_ngram');
  const ids = g.input(BUILTIN_IO.ids, 'int64', ['batch', 'n']);
  const weights = g.input(BUILTIN_IO.weights, 'float32', ['batch', 'n']);
  const tbl = g.initializer('table', 'float32', [config.buckets, config.dimension], table);
  const axis1 = g.int64s('axis_1', [1]);
  const axis2 = g.int64s('axis_2', [2]);
  const eps = g.float32Scalar('epsilon', 1e-12);

  const gathered = g.node('Gather', [tbl, ids], { axis: attr.int(0) }); // [batch, n, dim]
  const w3 = g.node('Unsqueeze', [weights, axis2]); // [batch, n, 1]
  const weighted = g.node('Mul', [gathered, w3]); // [batch, n, dim]
  const pooled = g.node('ReduceSum', [weighted, axis1], { keepdims: attr.int(0) }); // [batch, dim]
  // ReduceL2 takes `axes` as an attribute up to opset 17 (an input from 18).
  const l2 = g.node('ReduceL2', [pooled], { axes: attr.ints([1]), keepdims: attr.int(1) }); // [batch, 1]
  const denom = g.node('Max', [l2, eps]);
  const normalized = g.node('Div', [pooled, denom]);
  g.output(normalized, 'float32', ['batch', config.dimension], BUILTIN_IO.embedding);

  return encodeModel({
    graph: g.build('Mean of hashed character n-gram vectors, L2-normalised. See docs/models.md.'),
    opsets: [{ domain: '', version: 17 }],
    irVersion: 8,
    producerName: 'synonym-lens',
    producerVersion: config.version,
    docString: 'Synonym Lens built-in char n-gram embedding model',
    metadata: { model_type: CHAR_NGRAM_MODEL_TYPE, featurizer_version: config.version },
  });
}

/**
 * What the graph computes, in TS (float64 accumulation): mean of the feature rows of `table`,
 * L2-normalised; the zero vector when the text has no feature. Returns a new [dimension] vector.
 */
export function referenceEmbed(text: string, config: CharNgramModelConfig, table: Float32Array): Float32Array {
  const { ids, weights } = featurize(text, config);
  const dim = config.dimension;
  const acc = new Float64Array(dim);
  for (let k = 0; k < ids.length; k++) {
    const off = ids[k]! * dim;
    const w = weights[k]!;
    for (let d = 0; d < dim; d++) acc[d]! += w * table[off + d]!;
  }
  let sq = 0;
  for (let d = 0; d < dim; d++) sq += acc[d]! * acc[d]!;
  const denom = Math.max(Math.sqrt(sq), 1e-12);
  const out = new Float32Array(dim);
  for (let d = 0; d < dim; d++) out[d] = acc[d]! / denom;
  return out;
}
