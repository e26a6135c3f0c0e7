/**
 * Builds the "first token only" session for CLS-pooled models (core/onnx/firstToken.ts explains
 * the rewrite): probe the original graph's intermediate shapes, plan, check the rewritten region
 * against the original on the probe batch and two batches of other sizes, then open the
 * rewritten model and check it once more. On any failure the caller reopens the original.
 */
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countMatrixProducts, hasFirstRowSink, planFirstTokenOnly, probeEdits } from '../../../core/onnx/firstToken';
import { readOnnxGraph, rewriteGraphParts, type GraphEdits, type OnnxGraph, type WeightsByReference } from '../../../core/onnx/graph';
import { concat, readOnnxSummary } from '../../../core/onnx/reader';
import { OnnxSession, type InputTensor, type OnnxSessionOptions } from '../onnxAdapter';

/** Feeds for a batch of `batch` texts of `seq` tokens (right-padded: row b has seq − b real tokens, at least 1). */
export type ProbeFeeds = (batch: number, seq: number) => Record<string, InputTensor>;

export type FirstTokenSessionResult =
  | { readonly ok: true; readonly session: OnnxSession; readonly detail: string }
  | { readonly ok: false; readonly reason: string; /** Whether `beforeProbe` ran. */ readonly probed: boolean };

/** Largest difference accepted between the rewritten and the original first-token rows. */
const TOLERANCE = 1e-4;

/**
 * Why the rewritten rows `got` differ from `ref` by more than TOLERANCE (relative to each row's
 * largest entry, at least 1), or undefined. Token-level outputs: `got` is [batch, 1, hidden] and
 * is compared with `ref`'s first tokens ([batch, seq, hidden]); pooled outputs: both [batch, hidden].
 */
function compare(ref: Float32Array, refDims: readonly number[], got: Float32Array, gotDims: readonly number[], size: { batch: number; seq: number }): string | undefined {
  const tokenLevel = refDims.length === 3;
  const hidden = refDims[refDims.length - 1]!;
  const expected = tokenLevel ? [size.batch, 1, hidden] : [size.batch, hidden];
  if (gotDims.length !== expected.length || gotDims.some((d, i) => d !== expected[i]))
    return `the rewritten graph produced shape [${gotDims.join(', ')}] for a batch of ${size.batch}×${size.seq}`;
  const refSeq = tokenLevel ? refDims[1]! : 1;
  let worst = 0;
  for (let b = 0; b < size.batch; b++) {
    let scale = 1;
    for (let h = 0; h < hidden; h++) scale = Math.max(scale, Math.abs(ref[b * refSeq * hidden + h]!));
    for (let h = 0; h < hidden; h++) worst = Math.max(worst, Math.abs(ref[b * refSeq * hidden + h]! - got[b * hidden + h]!) / scale);
  }
  return worst <= TOLERANCE ? undefined : `the rewritten graph differs from the original by ${worst.toExponential(2)} (limit ${TOLERANCE})`;
}

export interface FirstTokenRequest {
  readonly onnxPath: string;
  readonly output: string;
  /** Whether `output` is token-level ([batch, sequence, hidden], sliced to the first token) or pooled ([batch, hidden], unchanged). */
  readonly outputKind: 'tokens' | 'pooled';
  readonly feeds: ProbeFeeds;
  /** The model's maximum input length (bounds the probe lengths). */
  readonly maxSeq: number;
  readonly session: OnnxSessionOptions;
  /** Called once the rewrite is attempted at all (e.g. to release the original session). */
  readonly beforeProbe: () => Promise<void>;
  /**
   * Least share of the graph's matrix products that must shrink (default `MIN_SHARE`): below it
   * the three extra session loads cost more than the rewrite saves.
   */
  readonly minShare?: number;
  /** Tests: behave as if hard links failed (weights inline). */
  readonly noLinks?: boolean;
}

/**
 * A tenth of the matrix products. A layer has 8 (Q, K, V, Q·Kᵀ, P·V, output, two feed-forward)
 * and the rewrite cuts 6 of the last layer's, so encoders of up to 7 layers qualify (bge-small-zh:
 * 4). Deeper models (bge-m3: 24 layers, ~3 % saved) and dynamically quantised graphs (only the
 * last feed-forward product shrinks) keep the exported graph and load as fast as before.
 */
export const MIN_SHARE = 0.1;

/**
 * Tries the rewrite for `output` of the model at `onnxPath`. When the result is not ok and
 * `beforeProbe` ran, the caller reopens the original (`probed: true`).
 */
export async function createFirstTokenSession(request: FirstTokenRequest): Promise<FirstTokenSessionResult> {
  const { onnxPath, output, outputKind, feeds, maxSeq, session: options, beforeProbe, noLinks = false, minShare = MIN_SHARE } = request;
  // Probe and check sizes: distinct from each other and from typical model dimensions.
  const probe = { batch: 3, seq: Math.min(11, maxSeq) };
  const checks = [
    { batch: 2, seq: Math.min(7, maxSeq - 1) },
    { batch: 5, seq: Math.min(5, maxSeq - 2) },
  ];
  if (checks.some((c) => c.seq < 2)) return { ok: false, reason: `the maximum length (${maxSeq}) is too short to check the rewrite`, probed: false };

  // The models below are, where possible, skeletons: every large initializer is external data
  // pointing into the original file, hard-linked into a scratch folder with the original's own
  // external data files (onnxruntime refuses paths that resolve outside the model's folder, so
  // symbolic links do not do), and neither this process nor the scratch folder holds a second
  // copy of the weights. Across file systems (no hard links) the rewritten models carry the
  // weights inline and the original bytes stay in memory while the rewrite is checked.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'synonym-lens-graph-'));
  const WEIGHTS = 'synonym-lens-original.onnx';
  let source: Uint8Array;
  let weights: WeightsByReference | undefined;
  let graph: OnnxGraph;
  let products: number;
  try {
    const bytes = readFileSync(onnxPath);
    const external = readOnnxSummary(bytes).externalDataLocations;
    const links = [{ from: onnxPath, to: WEIGHTS }, ...external.map((location) => ({ from: path.join(path.dirname(onnxPath), location), to: location }))];
    let linked = true;
    for (const { from, to } of links) {
      if (path.isAbsolute(to) || to.split(/[\\/]/).includes('..')) throw new Error(`external data location ${to} is outside the model folder`);
      mkdirSync(path.dirname(path.join(scratch, to)), { recursive: true });
      try {
        if (noLinks) throw new Error('links disabled');
        linkSync(from, path.join(scratch, to));
      } catch {
        linked = false;
        break;
      }
    }
    if (!linked && external.length) throw new Error(`its external data files cannot be linked into ${os.tmpdir()} (another file system)`);
    weights = linked ? { location: WEIGHTS } : undefined;
    source = linked ? concat(rewriteGraphParts(bytes, {}, weights)) : bytes;
    graph = readOnnxGraph(source);
    let refusal: string | undefined;
    if (outputKind === 'pooled' && !hasFirstRowSink(graph, output)) refusal = `${output} does not take the first token (its pooling is not CLS)`;
    // The rewrite cuts at most 6 products (one layer's, see MIN_SHARE): if even those are under `minShare`, do not probe at all.
    products = countMatrixProducts(graph, output);
    if (!refusal && products * minShare > 6) refusal = `the last layer is under ${Math.round(minShare * 100)} % of the model's ${products} matrix products; not worth three extra session loads`;
    if (refusal) {
      rmSync(scratch, { recursive: true, force: true });
      return { ok: false, reason: refusal, probed: false };
    }
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    return { ok: false, reason: `cannot prepare the rewrite: ${(err as Error).message}`, probed: false };
  }

  const { edits: probeModel, probed } = probeEdits(graph, output);
  // One session at a time (each holds a copy of the weights): the caller's is released first
  // (`beforeProbe`), then the probe (all intermediate shapes), the check model (original and
  // rewritten region side by side, sharing the weights) and finally the rewritten model.
  let current: OnnxSession | undefined;
  /** Opens the model with `edits` applied, written part by part (no in-memory copy of it). */
  let opened = 0;
  const open = async (edits: GraphEdits) => {
    const file = path.join(scratch, `model-${opened++}.onnx`);
    const fd = openSync(file, 'w');
    try {
      for (const part of rewriteGraphParts(source, edits)) writeSync(fd, part);
    } finally {
      closeSync(fd);
    }
    return OnnxSession.create(file, options);
  };
  try {
    await beforeProbe();
    current = await open(probeModel);
    const probeFeeds = feeds(probe.batch, probe.seq);
    const results = await current.run(probeFeeds, [output, ...probed]);
    await current.dispose();
    current = undefined;
    const shapes = new Map<string, readonly number[]>();
    for (const [name, t] of Object.entries(probeFeeds)) shapes.set(name, t.dims);
    for (const [name, t] of Object.entries(results)) shapes.set(name, t.dims);
    const planned = planFirstTokenOnly(graph, output, shapes, probe.batch, outputKind === 'tokens' ? 1 : 'pooled');
    if (!planned.ok) return { ok: false, reason: planned.reason, probed: true };
    const { plan } = planned;
    if (plan.slicedMatMuls < minShare * products)
      return { ok: false, reason: `only ${plan.slicedMatMuls} of ${products} matrix products would compute the first token only (under ${Math.round(minShare * 100)} %)`, probed: true };

    current = await open(plan.checkEdits);
    let expected: Float32Array | undefined;
    for (const size of [probe, ...checks]) {
      const both = await current.run(feeds(size.batch, size.seq), [output, plan.checkOutput]);
      const [ref, got] = [both[output]!, both[plan.checkOutput]!];
      const mismatch = compare(ref.data, ref.dims, got.data, got.dims, size);
      if (mismatch) return { ok: false, reason: mismatch, probed: true };
      expected ??= got.data;
    }
    await current.dispose();
    current = undefined;

    const session = await open(plan.edits);
    current = session;
    // The rewritten model alone must give what its copy in the check model gave.
    const alone = (await session.run(feeds(probe.batch, probe.seq), [output]))[output]!;
    const mismatch = compare(expected!, alone.dims.length === 3 ? [probe.batch, 1, alone.dims[2]!] : [probe.batch, alone.dims[1]!], alone.data, alone.dims, probe);
    if (mismatch) return { ok: false, reason: mismatch, probed: true };
    current = undefined;
    return { ok: true, session, detail: `${plan.slicedNodes} nodes (${plan.slicedMatMuls} matrix products) compute the first token only; ${plan.insertedSlices} slices inserted` };
  } catch (err) {
    return { ok: false, reason: `onnxruntime: ${(err as Error).message.split('\n')[0]}`, probed: true };
  } finally {
    await current?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}
