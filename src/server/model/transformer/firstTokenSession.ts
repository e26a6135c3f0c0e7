/**
 * Builds the "first token only" session for CLS-pooled models (core/onnx/firstToken.ts explains
 * the rewrite): probe the original graph's intermediate shapes, plan, create the rewritten
 * session, and accept it only if it reproduces the original's first-token rows on two batches of
 * other sizes than the probe's. Any failure leaves the caller's original session in use.
 */
import { readFileSync } from 'node:fs';
import { planFirstTokenOnly, probeEdits } from '../../../core/onnx/firstToken';
import { readOnnxGraph, rewriteGraph } from '../../../core/onnx/graph';
import { OnnxSession, type InputTensor, type OnnxSessionOptions } from '../onnxAdapter';

/** Feeds for a batch of `batch` texts of `seq` tokens (right-padded: row b has seq − b real tokens, at least 1). */
export type ProbeFeeds = (batch: number, seq: number) => Record<string, InputTensor>;

export type FirstTokenSessionResult =
  | { readonly ok: true; readonly session: OnnxSession; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

/** Largest difference accepted between the rewritten and the original first-token rows. */
const TOLERANCE = 1e-4;

function maxRelativeDifference(ref: Float32Array, refSeq: number, got: Float32Array, batch: number, hidden: number): number {
  let worst = 0;
  for (let b = 0; b < batch; b++) {
    let scale = 1;
    for (let h = 0; h < hidden; h++) scale = Math.max(scale, Math.abs(ref[b * refSeq * hidden + h]!));
    for (let h = 0; h < hidden; h++) worst = Math.max(worst, Math.abs(ref[b * refSeq * hidden + h]! - got[b * hidden + h]!) / scale);
  }
  return worst;
}

/**
 * Tries the rewrite for the token-level `output` ([batch, sequence, hidden]) of the model at
 * `onnxPath`. `maxSeq` bounds the probe lengths (the model's maximum input length).
 */
export async function createFirstTokenSession(onnxPath: string, output: string, feeds: ProbeFeeds, maxSeq: number, options: OnnxSessionOptions): Promise<FirstTokenSessionResult> {
  const bytes = readFileSync(onnxPath);
  const graph = readOnnxGraph(bytes);
  // A rewritten model is loaded from memory, where relative external-data paths cannot resolve.
  if (graph.hasExternalData) return { ok: false, reason: 'the weights are in external data files' };
  // Probe and check sizes: distinct from each other and from typical model dimensions.
  const probe = { batch: 3, seq: Math.min(11, maxSeq) };
  const checks = [
    { batch: 2, seq: Math.min(7, maxSeq - 1) },
    { batch: 5, seq: Math.min(5, maxSeq - 2) },
  ];
  if (checks.some((c) => c.seq < 2)) return { ok: false, reason: `the maximum length (${maxSeq}) is too short to check the rewrite` };

  const { edits, probed } = probeEdits(graph, output);
  let probeSession: OnnxSession | undefined;
  let rewritten: OnnxSession | undefined;
  try {
    probeSession = await OnnxSession.create(rewriteGraph(bytes, edits), options);
    const probeFeeds = feeds(probe.batch, probe.seq);
    const results = await probeSession.run(probeFeeds, [output, ...probed]);
    const shapes = new Map<string, readonly number[]>();
    for (const [name, t] of Object.entries(probeFeeds)) shapes.set(name, t.dims);
    for (const [name, t] of Object.entries(results)) shapes.set(name, t.dims);
    const planned = planFirstTokenOnly(graph, output, shapes, probe.batch);
    if (!planned.ok) return { ok: false, reason: planned.reason };

    rewritten = await OnnxSession.create(rewriteGraph(bytes, planned.plan.edits), options);
    for (const size of [probe, ...checks]) {
      const f = feeds(size.batch, size.seq);
      const ref = (await probeSession.run(f, [output]))[output]!;
      const got = (await rewritten.run(f, [output]))[output]!;
      const hidden = ref.dims[2]!;
      if (got.dims.length !== 3 || got.dims[0] !== size.batch || got.dims[1] !== 1 || got.dims[2] !== hidden)
        return { ok: false, reason: `the rewritten graph produced shape [${got.dims.join(', ')}] for a batch of ${size.batch}×${size.seq}` };
      const diff = maxRelativeDifference(ref.data, ref.dims[1]!, got.data, size.batch, hidden);
      if (!(diff <= TOLERANCE)) return { ok: false, reason: `the rewritten graph differs from the original by ${diff.toExponential(2)} (limit ${TOLERANCE})` };
    }
    const { slicedNodes, slicedMatMuls, insertedSlices } = planned.plan;
    const session = rewritten;
    rewritten = undefined;
    return { ok: true, session, detail: `${slicedNodes} nodes (${slicedMatMuls} matrix products) compute the first token only; ${insertedSlices} slices inserted` };
  } catch (err) {
    return { ok: false, reason: `onnxruntime: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    await probeSession?.dispose();
    await rewritten?.dispose();
  }
}
