/**
 * Writes a transformer model with a trained adapter (src/core/learn/adapter.ts) as ONE standalone
 * model folder that our engine and any ONNX runtime load:
 *   <model>.onnx          the base graph + pooling + L2 normalisation + adapter + L2 normalisation,
 *                         output `sentence_embedding` [batch, dim]; same file name as the base's
 *                         (`model.onnx` for fp32), so external data keeps its relative location
 *   <model>.onnx_data …   the base's external data files, copied unchanged (same relative paths)
 *   tokenizer files       copied; config.json copied with `_name_or_path` dropped (so the folder
 *                         gets its own id) and `fine_tuned: true`
 *   sentence_bert_config.json   `max_seq_length` = the base engine's maximum length
 *   synonym-lens.json     provenance (base model and fingerprint, training file hash, loss,
 *                         hyper-parameters, metrics before/after, date) and how the graph pools;
 *                         its `prefix` is the text the base engine put before every term, which the
 *                         transformer loader honours (layout.ts `exportedPrefix`)
 *
 * How the graph is extended without an ONNX library: protobuf parsers merge repeated occurrences of
 * a singular message field, concatenating the repeated fields inside. So the base model's bytes
 * followed by one more `graph` field (ModelProto field 7) holding only the new nodes, initializers
 * and output parse as the base graph extended by them — the base's own outputs stay, which is
 * harmless (runtimes compute only the outputs asked for). The new values are named
 * `synonym_lens/…`. A base whose graph already outputs `sentence_embedding` (a sentence-transformers
 * export, or an earlier fine-tune) has that value renamed first (`renameGraphValue`), so the new
 * output can take the name the engine looks for.
 *
 * Written into a temporary sibling folder and renamed into place; an existing folder (the base's
 * included) is never overwritten.
 */
import { constants, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Adapter } from '../../core/learn/adapter';
import { graphExtension, onnxOpsetVersion, readOnnxSummary, renameGraphValue, type OnnxModelSummary } from '../../core/onnx/reader';
import { attr, encodeModel, GraphBuilder, type AttributeValue } from '../../core/onnx/writer';
import type { TransformerModelInfo } from '../model/transformer';
import { newModelFolder, sha256Hex, writeFolderAtomically, type FineTuneProvenance } from './export';

/** The output name the engine (and sentence-transformers exports) use for pooled embeddings. */
export const SENTENCE_EMBEDDING = 'sentence_embedding';

/** What the exporter needs of the base engine; a `TransformerEngine` is one. */
export interface TransformerExportBase {
  readonly id: string;
  readonly fingerprint: string;
  readonly info: Pick<TransformerModelInfo, 'dir' | 'onnxPath' | 'inputs' | 'output' | 'pooling' | 'prefix' | 'maxLength' | 'dimension'>;
}

export interface ExportTransformerOptions {
  /** The folder to create; must not exist. */
  outDir: string;
  base: TransformerExportBase;
  /** The base folder as the user named it (an HF cache folder, a symlink …), refused as `outDir` too. */
  baseDir?: string;
  adapter: Adapter;
  /** `base_model` and `base_fingerprint` default to the base engine's id and fingerprint. */
  provenance: Omit<FineTuneProvenance, 'base_model' | 'base_fingerprint'> & Partial<Pick<FineTuneProvenance, 'base_model' | 'base_fingerprint'>>;
}

/** Files copied from the base folder when present (tokenizers of the common families, prompts). */
const COPIED_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  'sentencepiece.bpe.model',
  'spiece.model',
  'config_sentence_transformers.json',
];

/**
 * Prefix of the appended values and nodes: `synonym_lens/`, or `synonym_lens_2/` … when the graph
 * already has values of that namespace (an adapter exported earlier, fine-tuned again).
 */
export function namespaceFor(summary: OnnxModelSummary): string {
  const used = (ns: string) => [...summary.valueNames, ...summary.nodeNames].some((n) => n.startsWith(ns));
  let ns = 'synonym_lens/';
  for (let i = 2; used(ns); i++) ns = `synonym_lens_${i}/`;
  return ns;
}

// TensorProto.DataType
const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;

/**
 * The nodes appended to the base graph: pooling of `info.output` per `info.pooling` (masked by
 * `attention_mask`), L2 normalisation, the adapter, L2 normalisation → `sentence_embedding`.
 * `source` is the value to pool (the base output, possibly renamed). Returns graph-extension bytes.
 */
export function adapterGraphExtension(summary: OnnxModelSummary, info: TransformerExportBase['info'], source: string, adapter: Adapter, P = namespaceFor(summary)): Uint8Array {
  const opset = onnxOpsetVersion(summary) ?? 0;
  if (opset < 11) throw new Error(`The base model uses ONNX opset ${opset}; exporting an adapter needs opset 11 or newer.`);
  if (adapter.dim !== info.dimension) throw new Error(`The adapter is for ${adapter.dim} dimensions but the model outputs ${info.dimension}.`);
  const g = new GraphBuilder('synonym-lens adapter');
  let k = 0;
  // Explicit value and node names: the base graph's own (often generated) names must not collide.
  const node = (op: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>, output?: string) => {
    const id = k++;
    return g.node(op, inputs, attributes, output ?? `${P}${op.toLowerCase()}_${id}`, { name: `${P}${op}_${id}` });
  };
  const int64s = (values: readonly number[]) => g.int64s(`${P}const_${k++}`, values);
  const unsqueeze = (x: string, axes: number[]) => (opset >= 13 ? node('Unsqueeze', [x, int64s(axes)]) : node('Unsqueeze', [x], { axes: attr.ints(axes) }));
  const reduce = (op: 'ReduceSum' | 'ReduceMax', x: string, axes: number[], keepdims: 0 | 1) =>
    opset >= (op === 'ReduceSum' ? 13 : 18)
      ? node(op, [x, int64s(axes)], { keepdims: attr.int(keepdims) })
      : node(op, [x], { axes: attr.ints(axes), keepdims: attr.int(keepdims) });
  const toFloat = (x: string) => {
    const type = summary.outputs.find((o) => o.name === x)?.elemType ?? FLOAT;
    return type === FLOAT ? x : node('Cast', [x], { to: attr.int(FLOAT) });
  };

  let pooled: string;
  if (info.pooling === 'model') pooled = toFloat(source);
  else {
    if (!info.inputs.includes('attention_mask'))
      throw new Error(`The base model has no attention_mask input, so its ${info.pooling} pooling cannot be written into the graph.`);
    const h = toFloat(source);
    const mask = 'attention_mask';
    if (info.pooling === 'cls') {
      pooled = node('Gather', [h, g.initializer(`${P}index0`, 'int64', [], BigInt64Array.of(0n))], { axis: attr.int(1) });
    } else if (info.pooling === 'mean') {
      // Σ_t mask_t h_t / Σ_t mask_t, as the engine's mean over real tokens.
      const m3 = unsqueeze(node('Cast', [mask], { to: attr.int(FLOAT) }), [2]);
      const sum = reduce('ReduceSum', node('Mul', [h, m3]), [1], 0);
      const count = node('Max', [reduce('ReduceSum', m3, [1], 0), g.float32Scalar(`${P}min_count`, 1e-9)]);
      pooled = node('Div', [sum, count]);
    } else if (info.pooling === 'max') {
      // Padded positions become −FLT_MAX, so they never win the maximum.
      const keep = unsqueeze(node('Cast', [mask], { to: attr.int(BOOL) }), [2]);
      const masked = node('Where', [keep, h, g.float32Scalar(`${P}lowest`, -3.4028234663852886e38)]);
      pooled = reduce('ReduceMax', masked, [1], 0);
    } else {
      // last: one-hot of the last real token = (cumsum(mask) · mask == Σ mask); works for either padding side.
      const m = node('Cast', [mask], { to: attr.int(INT64) });
      const position = node('Mul', [node('CumSum', [m, g.initializer(`${P}axis1`, 'int64', [], BigInt64Array.of(1n))]), m]);
      const length = reduce('ReduceSum', m, [1], 1);
      const oneHot = unsqueeze(node('Cast', [node('Equal', [position, length])], { to: attr.int(FLOAT) }), [2]);
      pooled = reduce('ReduceSum', node('Mul', [h, oneHot]), [1], 0);
    }
  }
  const l2 = { axis: attr.int(-1), p: attr.int(2) };
  // x: the base engine's embedding (pooled, normalised) — the adapter's input in training.
  const x = node('LpNormalization', [pooled], l2, `${P}base_embedding`);
  const d = adapter.dim;
  let z: string;
  if (adapter.kind === 'linear') {
    const xw = node('MatMul', [x, g.initializer(`${P}W`, 'float32', [d, d], adapter.weight)]);
    z = node('Add', [node('Add', [x, xw]), g.initializer(`${P}b`, 'float32', [d], adapter.bias)]);
  } else {
    const hdim = adapter.hidden;
    const pre = node('Add', [node('MatMul', [x, g.initializer(`${P}W1`, 'float32', [d, hdim], adapter.w1)]), g.initializer(`${P}b1`, 'float32', [hdim], adapter.b1)]);
    const delta = node('Add', [node('MatMul', [node('Relu', [pre]), g.initializer(`${P}W2`, 'float32', [hdim, d], adapter.w2)]), g.initializer(`${P}b2`, 'float32', [d], adapter.b2)]);
    z = node('Add', [x, delta]);
  }
  const y = node('LpNormalization', [z], l2, SENTENCE_EMBEDDING);
  g.output(y, 'float32', [null, d]);
  const spec = g.build();
  const clash = [...spec.nodes.flatMap((n) => n.outputs), ...(spec.initializers ?? []).map((t) => t.name)].find((n) => summary.valueNames.has(n));
  if (clash !== undefined) throw new Error(`The base graph already has a value named ${clash}.`);
  return graphExtension(encodeModel({ graph: spec }));
}

/** A value name not used in the graph: `base`, else `base_1`, `base_2` … */
function freshName(summary: OnnxModelSummary, base: string): string {
  let name = base;
  for (let i = 1; summary.valueNames.has(name); i++) name = `${base}_${i}`;
  return name;
}

/**
 * The exported model's bytes: the base model (its `sentence_embedding` renamed if it has one)
 * followed by the adapter's graph extension. Also returns the external data locations to copy.
 */
export function buildAdaptedModel(baseModel: Uint8Array, info: TransformerExportBase['info'], adapter: Adapter): { model: Uint8Array; externalData: readonly string[] } {
  let bytes = baseModel;
  let summary = readOnnxSummary(bytes);
  let source = info.output;
  const ns = namespaceFor(summary);
  if (summary.valueNames.has(SENTENCE_EMBEDDING) || summary.outputs.some((o) => o.name === SENTENCE_EMBEDDING)) {
    const renamed = freshName(summary, `${ns}base_sentence_embedding`);
    bytes = renameGraphValue(bytes, SENTENCE_EMBEDDING, renamed);
    if (source === SENTENCE_EMBEDDING) source = renamed;
    summary = readOnnxSummary(bytes);
  }
  const tail = adapterGraphExtension(summary, info, source, adapter, ns);
  const model = new Uint8Array(bytes.length + tail.length);
  model.set(bytes, 0);
  model.set(tail, bytes.length);
  return { model, externalData: summary.externalDataLocations };
}


function readJsonObject(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Writes the folder atomically; returns its absolute path. Throws if `outDir` exists. */
export function exportTransformerModel(options: ExportTransformerOptions): string {
  const { base, adapter } = options;
  const info = base.info;
  const out = newModelFolder(options.outDir, [info.dir, options.baseDir]);

  const { model, externalData } = buildAdaptedModel(readFileSync(info.onnxPath), info, adapter);
  const onnxDir = path.dirname(info.onnxPath);
  for (const loc of externalData)
    if (path.isAbsolute(loc) || path.normalize(loc).split(path.sep).includes('..'))
      throw new Error(`External data location ${JSON.stringify(loc)} in ${info.onnxPath} is not inside the model folder.`);
  const modelSha = sha256Hex(model);

  const config = readJsonObject(path.join(info.dir, 'config.json'));
  // `_name_or_path` would give the new folder the base's repository id (and name) when loaded.
  delete config._name_or_path;
  const provenance = {
    base_model: base.id,
    base_fingerprint: base.fingerprint,
    ...options.provenance,
    date: options.provenance.date ?? new Date().toISOString(),
    model_sha256: modelSha,
    // How the graph turns tokens into the output: the engine uses `sentence_embedding` as is.
    pooling: 'in-graph',
    base_pooling: info.pooling,
    output: SENTENCE_EMBEDDING,
    normalized: true,
    adapter: { kind: adapter.kind, dim: adapter.dim, ...(adapter.kind === 'mlp' ? { hidden: adapter.hidden } : {}) },
    prefix: info.prefix,
    max_length: info.maxLength,
  };

  return writeFolderAtomically(out, (tmp) => {
    writeFileSync(path.join(tmp, path.basename(info.onnxPath)), model);
    for (const loc of externalData) {
      const target = path.join(tmp, loc);
      mkdirSync(path.dirname(target), { recursive: true });
      // A copy-on-write clone where the file system supports it (bge-m3's data is 2.2 GB), else a copy.
      copyFileSync(path.join(onnxDir, loc), target, constants.COPYFILE_FICLONE);
    }
    for (const file of COPIED_FILES) if (existsSync(path.join(info.dir, file))) copyFileSync(path.join(info.dir, file), path.join(tmp, file));
    writeFileSync(path.join(tmp, 'config.json'), `${JSON.stringify({ ...config, fine_tuned: true, fine_tuned_from: base.id }, null, 2)}\n`);
    writeFileSync(path.join(tmp, 'sentence_bert_config.json'), `${JSON.stringify({ max_seq_length: info.maxLength }, null, 2)}\n`);
    writeFileSync(path.join(tmp, 'synonym-lens.json'), `${JSON.stringify(provenance, null, 2)}\n`);
  });
}
