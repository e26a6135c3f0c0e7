/**
 * The "first token only" rewrite (core/onnx/firstToken.ts, runtime/model/transformer/firstTokenSession.ts):
 * the graph reader it stands on, the plan on generated BERT/XLM-R graphs in the shapes exports
 * take, equality with the independent reference forward pass, and the fallbacks.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readOnnxGraph, rewriteGraph } from '../../src/core/onnx/graph';
import { renameGraphValue } from '../../src/core/onnx/reader';
import { hasFirstRowSink, planFirstTokenOnly } from '../../src/core/onnx/firstToken';
import { encodeModel, GraphBuilder, attr } from '../../src/core/onnx/writer';
import { TransformerEngine } from '../../src/runtime/model/transformer/engine';
import { createFirstTokenSession } from '../../src/runtime/model/transformer/firstTokenSession';
import type { InputTensor } from '../../src/runtime/model/onnxAdapter';
import { makeModel, tempRoot, TERMS, type MakeModelOptions, type TestModel } from '../helpers/fixtures';
import { referenceEmbedding, referenceForward } from '../helpers/reference';

const { root, cleanup } = tempRoot();
after(cleanup);

let counter = 0;
function model(o: MakeModelOptions): TestModel {
  return makeModel(path.join(root, `m${counter++}`), o);
}

const SAMPLE = [...TERMS.slice(0, 20), '霸道SUV', 'SUV car', TERMS[0]!];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Right-padded int64 feeds of real token ids of `m` (BERT inputs). */
function probeFeeds(m: TestModel, batch: number, seq: number): Record<string, InputTensor> {
  const ids = new BigInt64Array(batch * seq);
  const mask = new BigInt64Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    const tokens = m.ids(SAMPLE[b]!).slice(0, seq);
    tokens.forEach((id, t) => ((ids[b * seq + t] = BigInt(id)), (mask[b * seq + t] = 1n)));
  }
  const dims = [batch, seq];
  return { input_ids: { data: ids, dims }, attention_mask: { data: mask, dims }, token_type_ids: { data: new BigInt64Array(batch * seq), dims } };
}

async function assertClsReference(m: TestModel): Promise<TransformerEngine['info']> {
  const engine = await TransformerEngine.load(m.dir, { pooling: 'cls', threads: 1 });
  try {
    const got = await engine.embed(SAMPLE);
    SAMPLE.forEach((text, i) => {
      const d = maxDiff(got[i]!, referenceEmbedding(referenceForward(m.weights, m.ids(text)), 'cls'));
      assert.ok(d < 1e-4, `${text}: max |Δ| ${d}`);
    });
    return engine.info;
  } finally {
    await engine.dispose();
  }
}

test('readOnnxGraph: ops, domains, negative and list attributes, initializer dims, inputs and outputs', () => {
  const g = new GraphBuilder('t');
  const x = g.input('x', 'float32', ['b', 3, 4]);
  const w = g.initializer('w', 'float32', [4, 2], new Float32Array(8));
  const t = g.node('Transpose', [g.node('MatMul', [x, w])], { perm: attr.ints([0, 2, 1]) });
  g.output(g.node('Softmax', [t], { axis: attr.int(-1) }, 'y'), 'float32', ['b', 2, 3]);
  const graph = readOnnxGraph(encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] }));
  assert.deepEqual(graph.nodes.map((n) => n.opType), ['MatMul', 'Transpose', 'Softmax']);
  assert.deepEqual(graph.nodes[1]!.intAttributes.get('perm'), { kind: 'ints', value: [0, 2, 1] });
  assert.deepEqual(graph.nodes[2]!.intAttributes.get('axis'), { kind: 'int', value: -1 });
  assert.deepEqual(graph.initializers.get('w'), { dims: [4, 2], dataType: 1 });
  assert.deepEqual([graph.inputs, graph.outputs, graph.opset, graph.hasExternalData], [['x'], ['y'], 17, false]);
});

test('rewriteGraph without edits reproduces the model byte for byte; edits re-point inputs and drop nodes', () => {
  const m = model({ arch: 'bert', layers: 1 });
  const bytes = new Uint8Array(readFileSync(path.join(m.dir, 'onnx', 'model.onnx')));
  assert.deepEqual(Buffer.from(rewriteGraph(bytes, {})), Buffer.from(bytes));
  const graph = readOnnxGraph(bytes);
  const last = graph.nodes.length - 1;
  const edited = readOnnxGraph(rewriteGraph(bytes, { renameInputs: new Map([[last, new Map([[0, 'renamed']])]]), dropNodes: new Set([0]) }));
  assert.equal(edited.nodes.length, graph.nodes.length - 1);
  assert.equal(edited.nodes.at(-1)!.inputs[0], 'renamed');
});

for (const arch of ['bert', 'xlmr'] as const) {
  test(`${arch}: CLS pooling runs the first-token graph and equals the reference forward pass within 1e-4`, async () => {
    const info = await assertClsReference(model({ arch, layers: 3 }));
    assert.equal(info.firstTokenOnly.applied, true, info.firstTokenOnly.detail);
    // Last layer: Q, Q·Kᵀ, P·V, output projection and both feed-forward products.
    assert.match(info.firstTokenOnly.detail, /\(6 matrix products\).*1 slices inserted/);
  });
}

test('shapes computed from the layer input (newer exports) and a 4-D mask: constant reshape targets, mask sliced', async () => {
  const info = await assertClsReference(model({ arch: 'bert', reshapes: 'dynamic', mask4d: true }));
  assert.equal(info.firstTokenOnly.applied, true, info.firstTokenOnly.detail);
  // The layer input (for Q and the residual) and the expanded mask each get one Slice.
  assert.match(info.firstTokenOnly.detail, /\(6 matrix products\).*2 slices inserted/);
});

test('layer norms written out as ops (exports below opset 17): ReduceMean over the hidden axis commutes too', async () => {
  const info = await assertClsReference(model({ arch: 'xlmr', decomposedLayerNorm: true }));
  assert.equal(info.firstTokenOnly.applied, true, info.firstTokenOnly.detail);
  assert.match(info.firstTokenOnly.detail, /\(6 matrix products\).*1 slices inserted/);
});

test('dynamically quantised layers (model_quantized.onnx): exact against the exported graph; per-tensor scales limit the cut', async () => {
  const m = model({ arch: 'bert', quantized: true });
  // By default a cut this small (1 of 16 products) is not worth the extra loads.
  const auto = await TransformerEngine.load(m.dir, { pooling: 'cls', threads: 1 });
  assert.deepEqual(auto.info.firstTokenOnly, { applied: false, detail: 'only 1 of 16 matrix products would compute the first token only (under 10 %)' });
  await auto.dispose();
  const on = await TransformerEngine.load(m.dir, { pooling: 'cls', threads: 1, firstTokenMinShare: 0 });
  const off = await TransformerEngine.load(m.dir, { pooling: 'cls', threads: 1, firstTokenOnly: false });
  try {
    // DynamicQuantizeLinear's scale is taken over every token, so only what follows the last
    // quantisation point can shrink: the second feed-forward product (the input to its quantiser
    // is needed whole). The rewrite is still exact.
    assert.equal(on.info.firstTokenOnly.applied, true, on.info.firstTokenOnly.detail);
    assert.match(on.info.firstTokenOnly.detail, /\(1 matrix products\)/);
    const [a, b] = [await on.embed(SAMPLE), await off.embed(SAMPLE)];
    SAMPLE.forEach((t, i) => assert.ok(maxDiff(a[i]!, b[i]!) < 1e-5, `${t}: ${maxDiff(a[i]!, b[i]!)}`));
  } finally {
    await Promise.all([on.dispose(), off.dispose()]);
  }
});

test('a deep encoder keeps the exported graph without probing: the last layer is too small a share', async () => {
  const m = model({ arch: 'bert', layers: 8 });
  const engine = await TransformerEngine.load(m.dir, { pooling: 'cls', threads: 1 });
  try {
    assert.deepEqual(engine.info.firstTokenOnly, {
      applied: false,
      detail: "the last layer is under 10 % of the model's 64 matrix products; not worth three extra session loads",
    });
  } finally {
    await engine.dispose();
  }
});

test('mean pooling and an explicit opt-out keep the exported graph', async () => {
  const m = model({ arch: 'bert' });
  const mean = await TransformerEngine.load(m.dir, { pooling: 'mean' });
  const off = await TransformerEngine.load(m.dir, { pooling: 'cls', firstTokenOnly: false });
  const on = await TransformerEngine.load(m.dir, { pooling: 'cls' });
  try {
    assert.deepEqual(mean.info.firstTokenOnly, { applied: false, detail: 'not used with mean pooling' });
    assert.deepEqual(off.info.firstTokenOnly, { applied: false, detail: 'turned off' });
    const [a, b] = [await off.embed(SAMPLE), await on.embed(SAMPLE)];
    SAMPLE.forEach((_, i) => assert.ok(maxDiff(a[i]!, b[i]!) < 1e-5));
  } finally {
    await Promise.all([mean.dispose(), off.dispose(), on.dispose()]);
  }
});

test('external data: the rewrite references the original weight files and equals the reference', async () => {
  const info = await assertClsReference(model({ arch: 'bert', layout: 'external' }));
  assert.equal(info.firstTokenOnly.applied, true, info.firstTokenOnly.detail);
});

test('without hard links (another file system) the weights go inline; external data is then refused', async () => {
  const open = async (m: TestModel) => {
    const onnx = path.join(m.dir, 'onnx', 'model.onnx');
    let released = 0;
    const r = await createFirstTokenSession({
      onnxPath: onnx,
      output: 'last_hidden_state',
      outputKind: 'tokens',
      feeds: (batch, seq) => probeFeeds(m, batch, seq),
      maxSeq: 64,
      session: { threads: 1 },
      beforeProbe: async () => void released++,
      noLinks: true,
    });
    if (r.ok) await r.session.dispose();
    return { r, released };
  };
  const inline = await open(model({ arch: 'bert' }));
  assert.equal(inline.r.ok, true, inline.r.ok ? '' : inline.r.reason);
  assert.equal(inline.released, 1);
  const external = await open(model({ arch: 'bert', layout: 'external' }));
  assert.deepEqual([external.r.ok, external.released], [false, 0]);
  assert.match(external.r.ok ? '' : external.r.reason, /external data files cannot be linked/);
});

/**
 * A graph whose head merge reshapes to [batch·2, sequence, 4] with the batch folded in: the probe
 * (batch 3) makes the plan's constant target [6, 1, 4], wrong for any other batch. The check
 * batches must catch it and keep the original graph.
 */
test('a plan the probe sizes mislead is caught by the check batches; the original graph stays in use', async () => {
  const m = model({ arch: 'bert', layers: 1 });
  const bytes = new Uint8Array(readFileSync(path.join(m.dir, 'onnx', 'model.onnx')));
  const out = 'last_hidden_state';
  // Rebuild only the tail: last_hidden_state → fold → MatMul → unfold, appended after the encoder.
  const b = new GraphBuilder('tail');
  const hidden = m.weights.shape.hidden;
  const x = 'encoder_out';
  const fourD = b.node('Transpose', [b.node('Reshape', [x, b.int64s('tail_split2', [0, 0, 2, hidden / 2])])], { perm: attr.ints([0, 2, 1, 3]) });
  const s = b.node('Shape', [x]);
  const folded = b.node('Reshape', [fourD, b.node('Concat', [b.node('Mul', [b.node('Slice', [s, b.int64s('f_s0', [0]), b.int64s('f_e1', [1])]), b.int64s('tail_two', [2])]), b.node('Slice', [s, b.int64s('f_s1', [1]), b.int64s('f_e2', [2])]), b.int64s('tail_half', [hidden / 2])], { axis: attr.int(0) })]);
  const mm = b.node('MatMul', [folded, b.initializer('tail_w', 'float32', [hidden / 2, hidden / 2], Float32Array.from({ length: (hidden / 2) ** 2 }, (_, i) => ((i * 37) % 11) / 11 - 0.5))]);
  const unfolded = b.node('Reshape', [mm, b.node('Concat', [b.node('Slice', [s, b.int64s('u_s0', [0]), b.int64s('u_e1', [1])]), b.int64s('tail_two_b', [2]), b.node('Slice', [s, b.int64s('u_s1', [1]), b.int64s('u_e2', [2])]), b.int64s('tail_half_b', [hidden / 2])], { axis: attr.int(0) })]);
  b.node('Reshape', [b.node('Transpose', [unfolded], { perm: attr.ints([0, 2, 1, 3]) }), b.int64s('tail_merge', [0, 0, hidden])], undefined, out);
  const tail = b.build();
  // The encoder's output becomes `encoder_out`; the tail's nodes and constants are appended and
  // its result is declared as the model's last_hidden_state.
  const model2 = rewriteGraph(renameGraphValue(bytes, out, x), {
    keepOutputs: new Set(),
    addOutputs: [out],
    appendNodes: tail.nodes,
    appendInitializers: tail.initializers,
  });
  writeFileSync(path.join(m.dir, 'onnx', 'model.onnx'), model2);

  const on = await TransformerEngine.load(m.dir, { pooling: 'cls' });
  const off = await TransformerEngine.load(m.dir, { pooling: 'cls', firstTokenOnly: false });
  try {
    assert.equal(on.info.firstTokenOnly.applied, false);
    assert.match(on.info.firstTokenOnly.detail, /onnxruntime|differs|shape/);
    const [a, c] = [await on.embed(SAMPLE), await off.embed(SAMPLE)];
    SAMPLE.forEach((_, i) => assert.ok(maxDiff(a[i]!, c[i]!) < 1e-6));
  } finally {
    await Promise.all([on.dispose(), off.dispose()]);
  }
});

test('planFirstTokenOnly explains why it cannot apply', () => {
  const g = new GraphBuilder('t');
  const x = g.input('x', 'float32', ['b', 's', 4]);
  // CumSum over the sequence does not commute with taking the first token.
  g.output(g.node('CumSum', [x, g.initializer('ax', 'int64', [], BigInt64Array.of(1n))], undefined, 'y'), 'float32', ['b', 's', 4]);
  const graph = readOnnxGraph(encodeModel({ graph: g.build() }));
  const r = planFirstTokenOnly(graph, 'y', new Map([['x', [3, 11, 4]], ['y', [3, 11, 4]]]), 3);
  assert.deepEqual(r, { ok: false, reason: 'the node producing y (CumSum) does not commute with a slice' });
  const old = readOnnxGraph(encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 9 }] }));
  assert.equal(planFirstTokenOnly(old, 'y', new Map(), 3).ok, false);
});

test('a CLS Gather whose index comes from a Constant node (torch exports) is recognised as taking the first token', () => {
  const g = new GraphBuilder('pooled');
  const x = g.input('x', 'float32', ['b', 's', 4]);
  const h = g.node('Tanh', [g.node('MatMul', [x, g.initializer('w', 'float32', [4, 4], new Float32Array(16))])]);
  const zero = g.node('Constant', [], { value: attr.tensor({ name: 'zero', dataType: 'int64', dims: [], data: BigInt64Array.of(0n) }) });
  g.output(g.node('Gather', [h, zero], { axis: attr.int(1) }, 'pooled'), 'float32', ['b', 4]);
  const one = g.node('Constant', [], { value: attr.tensor({ name: 'one', dataType: 'int64', dims: [], data: BigInt64Array.of(1n) }) });
  g.output(g.node('Gather', [h, one], { axis: attr.int(1) }, 'second'), 'float32', ['b', 4]);
  const graph = readOnnxGraph(encodeModel({ graph: g.build() }));
  assert.deepEqual(graph.intConstants.get(zero), { dims: [], values: [0] });
  assert.equal(hasFirstRowSink(graph, 'pooled'), true);
  assert.equal(hasFirstRowSink(graph, 'second'), false, 'index 1 is not the first token');
  // With probe shapes the plan cuts the MatMul and Tanh to the first row; the output is unchanged.
  const shapes = new Map<string, number[]>([['x', [3, 11, 4]], [h, [3, 11, 4]], [graph.nodes[0]!.outputs[0]!, [3, 11, 4]], [zero, []], ['pooled', [3, 4]]]);
  const r = planFirstTokenOnly(graph, 'pooled', shapes, 3, 'pooled');
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.deepEqual([r.plan.slicedNodes, r.plan.slicedMatMuls, r.plan.insertedSlices], [2, 1, 1]);
});
