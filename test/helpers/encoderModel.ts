/**
 * Test tooling (not shipped): generates real BERT- and XLM-R-architecture encoders as ONNX graphs
 * with small random weights, and writes them as Hugging Face model folders.
 *
 * The graph is the one Optimum exports (embeddings → L × [self-attention, FFN, post-LayerNorm] →
 * `last_hidden_state`), built from plain opset-17 ops so that onnxruntime applies its usual
 * attention/GELU/LayerNorm fusions. `referenceForward` in `reference.ts` computes the same network
 * from the same weights without ONNX, for the equivalence tests.
 */
import { GraphBuilder, attr, encodeModel, type ModelSpec } from '../../src/core/onnx/writer';
import { encodeModelWithExternalData } from '../../src/core/onnx/externalData';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Architecture = 'bert' | 'xlmr';

export interface EncoderShape {
  readonly arch: Architecture;
  readonly vocab: number;
  readonly hidden: number;
  readonly heads: number;
  readonly layers: number;
  readonly ffn: number;
  readonly maxPositions: number;
  /** Token type rows (2 for BERT, 1 for XLM-R). */
  readonly typeVocab: number;
  /** XLM-R's padding index: positions start at padId + 1. */
  readonly padId: number;
  readonly eps: number;
}

export interface LayerWeights {
  wq: Float32Array; bq: Float32Array; wk: Float32Array; bk: Float32Array; wv: Float32Array; bv: Float32Array;
  wo: Float32Array; bo: Float32Array; ln1g: Float32Array; ln1b: Float32Array;
  w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array; ln2g: Float32Array; ln2b: Float32Array;
}

/** All weights; matrices are [in, out] row-major (what MatMul multiplies from the right). */
export interface EncoderWeights {
  readonly shape: EncoderShape;
  wordEmb: Float32Array;
  posEmb: Float32Array;
  typeEmb: Float32Array;
  embLnG: Float32Array;
  embLnB: Float32Array;
  layers: LayerWeights[];
}

/** Mulberry32: deterministic weights from a seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomWeights(shape: EncoderShape, seed = 1): EncoderWeights {
  const r = rng(seed);
  const mat = (n: number, scale: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
  const around1 = (n: number) => Float32Array.from({ length: n }, () => 1 + (r() * 2 - 1) * 0.1);
  const { hidden: H, ffn: F } = shape;
  const s = 1 / Math.sqrt(H);
  return {
    shape,
    wordEmb: mat(shape.vocab * H, 0.5),
    posEmb: mat(shape.maxPositions * H, 0.2),
    typeEmb: mat(shape.typeVocab * H, 0.2),
    embLnG: around1(H),
    embLnB: mat(H, 0.05),
    layers: Array.from({ length: shape.layers }, () => ({
      wq: mat(H * H, s * 1.5), bq: mat(H, 0.05), wk: mat(H * H, s * 1.5), bk: mat(H, 0.05),
      wv: mat(H * H, s), bv: mat(H, 0.05), wo: mat(H * H, s), bo: mat(H, 0.05),
      ln1g: around1(H), ln1b: mat(H, 0.05),
      w1: mat(H * F, s), b1: mat(F, 0.05), w2: mat(F * H, 1 / Math.sqrt(F)), b2: mat(H, 0.05),
      ln2g: around1(H), ln2b: mat(H, 0.05),
    })),
  };
}

export interface GraphOptions {
  /** BERT only: expose `token_type_ids` as an input (default true); otherwise type row 0 is baked in. */
  readonly tokenTypeInput?: boolean;
  /** Name of the token-level output (default `last_hidden_state`). */
  readonly hiddenOutputName?: string;
  /** Also output `sentence_embedding` (masked mean, L2-normalised), as sentence-transformers exports do. */
  readonly sentenceEmbedding?: boolean;
  /** Also output BERT's `pooler_output` stand-in (a rank-2 output the engine must not pick). */
  readonly poolerOutput?: boolean;
  /** Output names instead of the usual ones, to test the "unknown outputs" error. */
  readonly renameOutputsTo?: string;
  /**
   * How head split/merge shapes are given: `static` constants with 0 = copy (default), or
   * `dynamic`: computed from the layer input's Shape, as newer torch exports do
   * (`hidden_states.size()[:2]`) — so a value outside the last layer's sliced region sets them.
   */
  readonly reshapes?: 'static' | 'dynamic';
  /** Expand the additive mask to [batch, 1, sequence, sequence] (HF's 4-D mask) instead of broadcasting [batch, 1, 1, sequence]. */
  readonly mask4d?: boolean;
  /** Layer norms written out (ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add), as exports below opset 17 have them. */
  readonly decomposedLayerNorm?: boolean;
  /**
   * Dynamically quantised linear layers, as onnxruntime's `quantize_dynamic` writes them (what
   * `model_quantized.onnx` files hold): DynamicQuantizeLinear(x) → MatMulInteger with int8 weights
   * → Cast → Mul by x_scale·w_scale. Not equal to the float reference; compare with itself.
   */
  readonly quantized?: boolean;
}

/** Builds the encoder graph (opset 17). */
export function buildEncoderModel(w: EncoderWeights, options: GraphOptions = {}): ModelSpec {
  const { arch, hidden: H, heads, eps } = w.shape;
  const dh = H / heads;
  const g = new GraphBuilder('encoder');
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const tokenTypes = arch === 'bert' && (options.tokenTypeInput ?? true);
  const types = tokenTypes ? g.input('token_type_ids', 'int64', ['batch', 'sequence']) : undefined;

  const word = g.node('Gather', [g.initializer('word_embeddings', 'float32', [w.shape.vocab, H], w.wordEmb), ids], { axis: attr.int(0) });
  const posTable = g.initializer('position_embeddings', 'float32', [w.shape.maxPositions, H], w.posEmb);
  let positions: string;
  if (arch === 'bert') {
    // position_ids = arange(sequence), broadcast over the batch.
    const shape = g.node('Shape', [ids]);
    const seq = g.node('Gather', [shape, g.initializer('one_scalar', 'int64', [], BigInt64Array.of(1n))], { axis: attr.int(0) });
    const range = g.node('Range', [g.initializer('zero_i', 'int64', [], BigInt64Array.of(0n)), seq, g.initializer('step_i', 'int64', [], BigInt64Array.of(1n))]);
    positions = g.node('Gather', [posTable, g.node('Unsqueeze', [range, g.int64s('axes0', [0])])], { axis: attr.int(0) });
  } else {
    // XLM-R: position_ids = cumsum(ids != pad) * (ids != pad) + pad (create_position_ids_from_input_ids).
    const notPad = g.node('Cast', [g.node('Not', [g.node('Equal', [ids, g.initializer('pad_i', 'int64', [], BigInt64Array.of(BigInt(w.shape.padId)))])])], { to: attr.int(7) });
    const cum = g.node('CumSum', [notPad, g.initializer('axis1_i', 'int64', [], BigInt64Array.of(1n))]);
    const posIds = g.node('Add', [g.node('Mul', [cum, notPad]), 'pad_i']);
    positions = g.node('Gather', [posTable, posIds], { axis: attr.int(0) });
  }
  const typeTable = g.initializer('token_type_embeddings', 'float32', [w.shape.typeVocab, H], w.typeEmb);
  const typeEmb = types
    ? g.node('Gather', [typeTable, types], { axis: attr.int(0) })
    : g.node('Gather', [typeTable, g.initializer('type0', 'int64', [], BigInt64Array.of(0n))], { axis: attr.int(0) });
  const embSum = g.node('Add', [g.node('Add', [word, positions]), typeEmb]);
  const layerNorm = (inputs: string[], a: Record<string, ReturnType<typeof attr.int>>) => {
    if (!options.decomposedLayerNorm) return g.node('LayerNormalization', inputs, a);
    const [v, gamma, beta] = inputs as [string, string, string];
    const mean = g.node('ReduceMean', [v], { axes: attr.ints([-1]), keepdims: attr.int(1) });
    const centered = g.node('Sub', [v, mean]);
    const variance = g.node('ReduceMean', [g.node('Pow', [centered, g.float32Scalar(`ln_two_${mean}`, 2)])], { axes: attr.ints([-1]), keepdims: attr.int(1) });
    const std = g.node('Sqrt', [g.node('Add', [variance, g.float32Scalar(`ln_eps_${mean}`, eps)])]);
    return g.node('Add', [g.node('Mul', [g.node('Div', [centered, std]), gamma]), beta]);
  };
  let x = layerNorm([embSum, g.initializer('emb_ln_g', 'float32', [H], w.embLnG), g.initializer('emb_ln_b', 'float32', [H], w.embLnB)], { axis: attr.int(-1), epsilon: attr.float(eps) });

  // Additive attention mask [batch, 1, 1, sequence]: 0 where attended, -10000 where padded.
  const maskF = g.node('Cast', [mask], { to: attr.int(1) });
  const mask4 = g.node('Unsqueeze', [maskF, g.int64s('axes12', [1, 2])]);
  let maskBias = g.node('Mul', [g.node('Sub', [g.float32Scalar('one_f', 1), mask4]), g.float32Scalar('neg_big', -10000)]);
  if (options.mask4d) {
    const idsShape = g.node('Shape', [ids]);
    const seqDim = g.node('Slice', [idsShape, g.int64s('mask_s1', [1]), g.int64s('mask_e2', [2])]);
    const full = g.node('Concat', [g.node('Slice', [idsShape, g.int64s('mask_s0', [0]), g.int64s('mask_e1', [1])]), g.int64s('mask_one', [1]), seqDim, seqDim], { axis: attr.int(0) });
    maskBias = g.node('Expand', [maskBias, full]);
  }
  const dynamic = options.reshapes === 'dynamic';
  const staticHeads = dynamic ? '' : g.int64s('shape_heads', [0, 0, heads, dh]);
  const staticMerge = dynamic ? '' : g.int64s('shape_merge', [0, 0, H]);
  const headTail = dynamic ? g.int64s('heads_tail', [heads, dh]) : '';
  const mergeTail = dynamic ? g.int64s('merge_tail', [H]) : '';
  /** [batch, sequence] of `t` (the layer input) followed by `tail`. */
  const shapeFrom = (t: string, tail: string) => g.node('Concat', [g.node('Slice', [g.node('Shape', [t]), g.int64s(`bs_s_${t}_${tail}`, [0]), g.int64s(`bs_e_${t}_${tail}`, [2])]), tail], { axis: attr.int(0) });
  const scale = g.float32Scalar('inv_sqrt_dh', 1 / Math.sqrt(dh));
  const sqrt2 = g.float32Scalar('sqrt2', Math.SQRT2);
  const half = g.float32Scalar('half', 0.5);

  w.layers.forEach((l, i) => {
    const p = `l${i}_`;
    const matmul = (input: string, wm: Float32Array, name: string, inDim: number, outDim: number) => {
      if (!options.quantized) return g.node('MatMul', [input, g.initializer(p + name + '_w', 'float32', [inDim, outDim], wm)]);
      const wScale = Math.max(...wm.map(Math.abs)) / 127 || 1;
      const wq = g.initializer(p + name + '_wq', 'int8', [inDim, outDim], Int8Array.from(wm, (v) => Math.max(-127, Math.min(127, Math.round(v / wScale)))));
      const [xq, xScale, xZero] = g.nodeMulti('DynamicQuantizeLinear', [input], { outputs: 3 });
      const acc = g.node('MatMulInteger', [xq!, wq, xZero!, g.initializer(p + name + '_wzp', 'int8', [], Int8Array.of(0))]);
      return g.node('Mul', [g.node('Cast', [acc], { to: attr.int(1) }), g.node('Mul', [xScale!, g.float32Scalar(p + name + '_wscale', wScale)])]);
    };
    const lin = (input: string, wm: Float32Array, b: Float32Array, name: string, inDim: number, outDim: number) =>
      g.node('Add', [matmul(input, wm, name, inDim, outDim), g.initializer(p + name + '_b', 'float32', [outDim], b)]);
    const heads4 = dynamic ? shapeFrom(x, headTail) : staticHeads;
    const merge3 = dynamic ? shapeFrom(x, mergeTail) : staticMerge;
    const split = (t: string, perm: number[]) => g.node('Transpose', [g.node('Reshape', [t, heads4])], { perm: attr.ints(perm) });
    const q = split(lin(x, l.wq, l.bq, 'q', H, H), [0, 2, 1, 3]);
    const k = split(lin(x, l.wk, l.bk, 'k', H, H), [0, 2, 3, 1]);
    const v = split(lin(x, l.wv, l.bv, 'v', H, H), [0, 2, 1, 3]);
    const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [q, k]), scale]), maskBias]);
    const probs = g.node('Softmax', [scores], { axis: attr.int(-1) });
    const ctx = g.node('Reshape', [g.node('Transpose', [g.node('MatMul', [probs, v])], { perm: attr.ints([0, 2, 1, 3]) }), merge3]);
    const attnOut = lin(ctx, l.wo, l.bo, 'o', H, H);
    const x1 = layerNorm([g.node('Add', [attnOut, x]), g.initializer(p + 'ln1_g', 'float32', [H], l.ln1g), g.initializer(p + 'ln1_b', 'float32', [H], l.ln1b)], { axis: attr.int(-1), epsilon: attr.float(eps) });
    const h = lin(x1, l.w1, l.b1, 'ffn1', H, w.shape.ffn);
    // Exact (erf) GELU, as BERT uses.
    const gelu = g.node('Mul', [g.node('Mul', [h, half]), g.node('Add', [g.node('Erf', [g.node('Div', [h, sqrt2])]), 'one_f'])]);
    const f = lin(gelu, l.w2, l.b2, 'ffn2', w.shape.ffn, H);
    x = layerNorm([g.node('Add', [f, x1]), g.initializer(p + 'ln2_g', 'float32', [H], l.ln2g), g.initializer(p + 'ln2_b', 'float32', [H], l.ln2b)], { axis: attr.int(-1), epsilon: attr.float(eps) });
  });

  const rename = options.renameOutputsTo;
  g.output(x, 'float32', ['batch', 'sequence', H], rename ? `${rename}_0` : options.hiddenOutputName ?? 'last_hidden_state');
  if (options.poolerOutput) {
    const first = g.node('Gather', [x, g.initializer('first_token', 'int64', [], BigInt64Array.of(0n))], { axis: attr.int(1) });
    g.output(g.node('Tanh', [first]), 'float32', ['batch', H], rename ? `${rename}_1` : 'pooler_output');
  }
  if (options.sentenceEmbedding) {
    const m3 = g.node('Unsqueeze', [maskF, g.int64s('axes2', [2])]);
    const axes1 = g.int64s('axes1', [1]);
    const summed = g.node('ReduceSum', [g.node('Mul', [x, m3]), axes1], { keepdims: attr.int(0) });
    const count = g.node('Max', [g.node('ReduceSum', [m3, axes1], { keepdims: attr.int(0) }), g.float32Scalar('min_count', 1e-9)]);
    const mean = g.node('Div', [summed, count]);
    g.output(g.node('LpNormalization', [mean], { axis: attr.int(-1), p: attr.int(2) }), 'float32', ['batch', H], rename ? `${rename}_2` : 'sentence_embedding');
  }
  return { graph: g.build(`${arch} encoder for tests`), opsets: [{ domain: '', version: 17 }], producerName: 'synonym-lens-tests' };
}

/** Where a generated folder puts its files, mimicking the layouts users have. */
export type FolderLayout =
  /** `model.onnx` at the top. */
  | 'flat'
  /** Optimum / transformers.js: `onnx/model.onnx` (and `onnx/model_quantized.onnx` absent). */
  | 'optimum'
  /** `onnx/model.onnx` + `onnx/model.onnx_data` (external data). */
  | 'external';

export interface WriteFolderOptions extends GraphOptions {
  readonly layout?: FolderLayout;
  /** tokenizer.json object. */
  readonly tokenizer: unknown;
  /** tokenizer_config.json object (default `{}`: exercises the special-token fallbacks). */
  readonly tokenizerConfig?: unknown;
  /** Extra files, path → JSON object or text. */
  readonly extraFiles?: Readonly<Record<string, unknown>>;
  /** Extra config.json fields. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** 'external' layout: the `location` the graph names (default `model.onnx_data`, the file written). */
  readonly externalLocation?: string;
}

/** Writes a Hugging Face model folder (config.json, tokenizer files, ONNX model) to `dir`. */
export function writeModelFolder(dir: string, w: EncoderWeights, options: WriteFolderOptions): string {
  const layout = options.layout ?? 'optimum';
  mkdirSync(dir, { recursive: true });
  const spec = buildEncoderModel(w, options);
  const onnxDir = layout === 'flat' ? dir : path.join(dir, 'onnx');
  mkdirSync(onnxDir, { recursive: true });
  if (layout === 'external') {
    const { model, data } = encodeModelWithExternalData(spec, { location: options.externalLocation ?? 'model.onnx_data' });
    writeFileSync(path.join(onnxDir, 'model.onnx'), model);
    writeFileSync(path.join(onnxDir, 'model.onnx_data'), data);
  } else {
    writeFileSync(path.join(onnxDir, 'model.onnx'), encodeModel(spec));
  }
  const s = w.shape;
  const config = {
    architectures: [s.arch === 'bert' ? 'BertModel' : 'XLMRobertaModel'],
    model_type: s.arch === 'bert' ? 'bert' : 'xlm-roberta',
    hidden_size: s.hidden,
    num_attention_heads: s.heads,
    num_hidden_layers: s.layers,
    intermediate_size: s.ffn,
    max_position_embeddings: s.maxPositions,
    type_vocab_size: s.typeVocab,
    vocab_size: s.vocab,
    layer_norm_eps: s.eps,
    pad_token_id: s.arch === 'bert' ? 0 : s.padId,
    ...options.config,
  };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(options.tokenizer));
  writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(options.tokenizerConfig ?? {}));
  for (const [file, content] of Object.entries(options.extraFiles ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}
