/**
 * "First token only": a graph rewrite for encoders whose embedding is the first token's hidden
 * state (CLS pooling — bge and most BERT-family retrieval models). Such a model computes every
 * token's row through every layer, but after the last layer's attention has read all tokens' keys
 * and values, only the first row matters: the last layer's query projection, attention output,
 * residuals, layer norms and feed-forward block need only that row. On short dictionary terms
 * (4–6 tokens) that is a sixth or more of the encoder's work.
 *
 * The rewrite is derived, not pattern-matched: starting from the token-level output sliced to row
 * 0 of its sequence axis, the slice is pushed backwards through every node it commutes with —
 * elementwise ops (with broadcasting), row-wise normalisations and reductions over other axes,
 * Softmax over another axis, MatMul (rows of A, columns of B, or batch dims), Transpose and
 * Reshape — as long as *every* consumer of a value wants the same slice. A graph that pools inside
 * (CLS `Gather` of index 0 / `Slice` 0:1 before a `sentence_embedding`) starts the same push from
 * that node, whose output does not change (`firstRowSinkAxis`). Where a value is also needed whole (the last layer's
 * input feeds the keys and values; the attention mask feeds every layer) a `Slice` node is
 * inserted on the edges that want the first row. Shapes come from a probe run of the original
 * model with every intermediate declared as an output (`probeEdits`), so the planner needs no
 * shape inference of its own; a Reshape in the sliced region gets a constant target shape built
 * from the probe (batch as −1/0, the sliced axis as 1).
 *
 * The caller must check the result numerically against the original on inputs of a different
 * batch size and length than the probe's (runtime/model/transformer/firstTokenSession.ts does),
 * because the plan trusts the probe's sizes.
 */
import type { GraphEdits, NodeCopy, OnnxGraph, OnnxNode } from './graph';
import type { NodeSpec, TensorSpec } from './writer';

/** Concrete shapes from the probe run: every node output and graph input, by value name. */
export type ProbeShapes = ReadonlyMap<string, readonly number[]>;

export interface FirstTokenPlan {
  /** The rewritten model: `output` now holds only the first sequence entry. */
  readonly edits: GraphEdits;
  /**
   * A check model: the original graph unchanged plus a copy of the rewritten region beside it,
   * sharing every weight, whose result is `checkOutput` — one session compares both.
   */
  readonly checkEdits: GraphEdits;
  readonly checkOutput: string;
  /** Nodes that now compute only the first row. */
  readonly slicedNodes: number;
  /** Of those, matrix products (the work saved). */
  readonly slicedMatMuls: number;
  /** `Slice` nodes inserted where a value is also needed whole. */
  readonly insertedSlices: number;
}

export type FirstTokenResult = { readonly ok: true; readonly plan: FirstTokenPlan } | { readonly ok: false; readonly reason: string };

const ELEMENTWISE = new Set([
  'Abs', 'Add', 'And', 'BiasGelu', 'Cast', 'CastLike', 'Ceil', 'Clip', 'Div', 'Dropout', 'Elu', 'Equal', 'Erf', 'Exp', 'FastGelu',
  'Floor', 'Gelu', 'Greater', 'GreaterOrEqual', 'HardSigmoid', 'Identity', 'IsNaN', 'LeakyRelu', 'Less', 'LessOrEqual', 'Log',
  'Max', 'Mean', 'Min', 'Mish', 'Mul', 'Neg', 'Not', 'Or', 'Pow', 'PRelu', 'QuickGelu', 'Reciprocal', 'Relu', 'Round', 'Sigmoid',
  'Sign', 'Softplus', 'Sqrt', 'Sub', 'Sum', 'Tanh', 'Where', 'Xor',
]);
/** Normalisations over the trailing axes from `axis` (default −1). */
const ROW_NORMS = new Set(['LayerNormalization', 'SimplifiedLayerNormalization', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization', 'RMSNormalization']);
/** Reductions: commute with a slice on an axis they do not reduce. */
const REDUCTIONS = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp']);
/** Matrix products whose first input's rows map to the output's rows (second input untouched). */
const ROW_MATMULS = new Set(['MatMulInteger', 'MatMulNBits', 'FusedMatMul', 'MatMulIntegerToFloat']);
/** Every op counted as a matrix product (the work a plan is measured by). */
const MATRIX_PRODUCTS = new Set(['MatMul', 'Gemm', ...ROW_MATMULS]);

/** The matrix products `output` depends on (the share a plan cuts is measured against these). */
export function countMatrixProducts(graph: OnnxGraph, output: string): number {
  return liveNodes(graph, output).filter((n) => MATRIX_PRODUCTS.has(n.opType)).length;
}

/** Per-node request: input position → axis of that input to slice to its first entry. */
type Requests = Map<number, number>;

interface Context {
  readonly graph: OnnxGraph;
  readonly shapes: ProbeShapes;
  readonly batch: number;
}

function shapeOf(ctx: Context, name: string): readonly number[] | undefined {
  return ctx.shapes.get(name) ?? ctx.graph.initializers.get(name)?.dims;
}

function intAttr(node: OnnxNode, name: string): number | undefined {
  const a = node.intAttributes.get(name);
  return a?.kind === 'int' ? a.value : undefined;
}

/** Broadcasting elementwise: each input that has the sliced axis at full size is sliced too. */
function broadcastRequests(ctx: Context, node: OnnxNode, inputs: readonly number[], out: readonly number[], axis: number): Requests | undefined {
  const requests: Requests = new Map();
  for (const k of inputs) {
    const name = node.inputs[k];
    if (!name) continue;
    const s = shapeOf(ctx, name);
    if (!s) return undefined;
    const ai = axis - (out.length - s.length);
    if (ai < 0 || s[ai] === 1) continue;
    if (s[ai] !== out[axis]) return undefined;
    requests.set(k, ai);
  }
  return requests;
}

/** What slicing `node`'s outputs on `axis` asks of its inputs, or undefined if it does not commute. */
function requestsFor(ctx: Context, node: OnnxNode, axis: number, reshapes: Map<number, number[]>): Requests | undefined {
  const out = ctx.shapes.get(node.outputs[0]!);
  if (!out || axis >= out.length) return undefined;
  const all = node.inputs.map((_, k) => k);
  const op = node.opType;
  if (ELEMENTWISE.has(op) && (node.domain === '' || node.domain === 'com.microsoft')) return broadcastRequests(ctx, node, all, out, axis);
  if (ROW_NORMS.has(op)) {
    const normAxis = op.startsWith('Skip') ? -1 : intAttr(node, 'axis') ?? -1;
    const start = normAxis < 0 ? normAxis + out.length : normAxis;
    return axis < start ? broadcastRequests(ctx, node, all, out, axis) : undefined;
  }
  if (REDUCTIONS.has(op) && node.domain === '') {
    // Layer norms written out as ops (exports below opset 17): ReduceMean over the hidden axis.
    const input = shapeOf(ctx, node.inputs[0]!);
    if (!input) return undefined;
    const attrAxes = node.intAttributes.get('axes');
    const raw = attrAxes?.kind === 'ints' ? attrAxes.value : node.inputs[1] ? ctx.graph.intConstants.get(node.inputs[1])?.values : undefined;
    if (!raw || raw.length === 0) return undefined; // all axes (or unknown): nothing left to slice
    const reduced = new Set(raw.map((a) => (a < 0 ? a + input.length : a)));
    let ai: number;
    if ((intAttr(node, 'keepdims') ?? 1) !== 0) ai = axis;
    else {
      // Output axis `axis` is the axis-th input axis that is not reduced.
      const kept = input.map((_, i) => i).filter((i) => !reduced.has(i));
      ai = kept[axis] ?? -1;
    }
    if (ai < 0 || reduced.has(ai) || input[ai] !== out[axis]) return undefined;
    return new Map([[0, ai]]);
  }
  if (op === 'Softmax' || op === 'LogSoftmax') {
    const opset = ctx.graph.opset ?? 13;
    const raw = intAttr(node, 'axis') ?? (opset >= 13 ? -1 : 1);
    const sAxis = raw < 0 ? raw + out.length : raw;
    // Before opset 13 the op flattens [0, axis) × [axis, rank): only leading axes commute.
    if (opset >= 13 ? axis === sAxis : axis >= sAxis) return undefined;
    return new Map([[0, axis]]);
  }
  if (op === 'MatMul' || (ROW_MATMULS.has(op) && axis === out.length - 2)) {
    const a = shapeOf(ctx, node.inputs[0]!);
    const b = shapeOf(ctx, node.inputs[1]!);
    if (!a || !b || a.length < 2 || b.length < 2) return undefined;
    if (op === 'FusedMatMul' && (intAttr(node, 'transA') ?? 0) !== 0) return undefined;
    if (op === 'MatMulInteger' || op === 'MatMulIntegerToFloat') {
      // A per-row zero point (or scale) of A would need slicing too; only per-tensor ones are accepted.
      for (const k of op === 'MatMulInteger' ? [2] : [2, 4]) {
        const s = node.inputs[k] ? shapeOf(ctx, node.inputs[k]!) : [];
        if (!s || s.some((d) => d > 1)) return undefined;
      }
    }
    if (axis === out.length - 2) return a[a.length - 2] === out[axis] ? new Map([[0, a.length - 2]]) : undefined;
    if (axis === out.length - 1) return b[b.length - 1] === out[axis] ? new Map([[1, b.length - 1]]) : undefined;
    // A batch axis: broadcast over the leading dims of both.
    const requests: Requests = new Map();
    for (const [k, s] of [[0, a], [1, b]] as const) {
      const ai = axis - (out.length - s.length);
      if (ai < 0 || s[ai] === 1) continue;
      if (ai >= s.length - 2 || s[ai] !== out[axis]) return undefined;
      requests.set(k, ai);
    }
    return requests;
  }
  if (op === 'Transpose' && node.domain === '') {
    const perm = node.intAttributes.get('perm');
    const p = perm?.kind === 'ints' ? perm.value : out.map((_, i) => out.length - 1 - i);
    return p[axis] === undefined ? undefined : new Map([[0, p[axis]!]]);
  }
  if (op === 'Reshape' && node.domain === '') {
    if ((intAttr(node, 'allowzero') ?? 0) !== 0) return undefined;
    const input = shapeOf(ctx, node.inputs[0]!);
    if (!input) return undefined;
    const before = (s: readonly number[], n: number) => s.slice(0, n).reduce((p, d) => p * d, 1);
    const ai = input.findIndex((d, i) => d === out[axis] && before(input, i) === before(out, axis));
    if (ai < 0) return undefined;
    // Constant target: the sliced axis is 1, the batch is copied (same position) or inferred (−1).
    let inferred = false;
    const target: number[] = [];
    for (let j = 0; j < out.length; j++) {
      if (j === axis) target.push(1);
      else if (out[j] === ctx.batch && j !== ai && input[j] === ctx.batch) target.push(0);
      else if (out[j] === ctx.batch) {
        if (inferred) return undefined;
        inferred = true;
        target.push(-1);
      } else target.push(out[j]!);
    }
    reshapes.set(node.index, target);
    return new Map([[0, ai]]);
  }
  return undefined;
}

/** Nodes in an order where every producer comes before its consumers (Kahn), or undefined on a cycle. */
function topologicalOrder(nodes: readonly OnnxNode[], producer: ReadonlyMap<string, OnnxNode>): OnnxNode[] | undefined {
  const pending = new Map<number, number>();
  const consumersOf = new Map<number, OnnxNode[]>();
  for (const n of nodes) {
    const deps = new Set(n.inputs.map((i) => producer.get(i)).filter((p): p is OnnxNode => p !== undefined && p !== n));
    pending.set(n.index, deps.size);
    for (const d of deps) consumersOf.set(d.index, [...(consumersOf.get(d.index) ?? []), n]);
  }
  const ready = nodes.filter((n) => pending.get(n.index) === 0);
  const order: OnnxNode[] = [];
  while (ready.length) {
    const n = ready.pop()!;
    order.push(n);
    for (const c of consumersOf.get(n.index) ?? []) {
      const left = pending.get(c.index)! - 1;
      pending.set(c.index, left);
      if (left === 0) ready.push(c);
    }
  }
  return order.length === nodes.length ? order : undefined;
}

/** The nodes `output` depends on. */
export function liveNodes(graph: OnnxGraph, output: string): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const live = new Set<number>();
  const stack = [output];
  while (stack.length) {
    const n = producer.get(stack.pop()!);
    if (!n || live.has(n.index)) continue;
    live.add(n.index);
    stack.push(...n.inputs.filter(Boolean));
  }
  return graph.nodes.filter((n) => live.has(n.index));
}

/**
 * Edits for the probe run: the graph reduced to what `output` needs, every intermediate value of
 * it declared as an extra output (typeless; onnxruntime accepts that), so one run yields all shapes.
 */
export function probeEdits(graph: OnnxGraph, output: string): { edits: GraphEdits; probed: string[] } {
  const live = liveNodes(graph, output);
  const liveSet = new Set(live.map((n) => n.index));
  const probed = [...new Set(live.flatMap((n) => n.outputs).filter((o) => o && o !== output))];
  return {
    edits: {
      dropNodes: new Set(graph.nodes.filter((n) => !liveSet.has(n.index)).map((n) => n.index)),
      keepOutputs: new Set([output]),
      addOutputs: probed,
      dropValueInfo: true,
    },
    probed,
  };
}

/**
 * A node that reads only the first entry of its input 0 along some axis and whose output is the
 * same whether that input is whole or already sliced there: `Gather` of the constant index 0 (a
 * scalar or [0]) and `Slice` 0:1 — how a graph with CLS pooling inside takes the first token.
 * Returns that axis (normalised with the input's rank), or undefined.
 */
function firstRowSinkAxis(graph: OnnxGraph, node: OnnxNode, inputRank: number | undefined): number | undefined {
  if (node.domain !== '' || inputRank === undefined) return undefined;
  const norm = (a: number) => (a < 0 ? a + inputRank : a);
  const constant = (k: number) => (node.inputs[k] ? graph.intConstants.get(node.inputs[k]!) : undefined);
  if (node.opType === 'Gather') {
    const idx = constant(1);
    if (!idx || idx.values.length !== 1 || idx.values[0] !== 0) return undefined;
    return norm(intAttr(node, 'axis') ?? 0);
  }
  if (node.opType === 'Slice' && (graph.opset ?? 0) >= 10) {
    const [starts, ends, axes, steps] = [constant(1), constant(2), constant(3), constant(4)];
    if (!starts || !ends || starts.values.length !== 1 || starts.values[0] !== 0 || ends.values[0] !== 1) return undefined;
    if (steps && steps.values[0] !== 1) return undefined;
    if (node.inputs[3] && !axes) return undefined;
    return norm(axes?.values[0] ?? 0);
  }
  return undefined;
}

/** Whether the graph has a first-row sink (`firstRowSinkAxis`) that `output` depends on: worth probing a pooled output. */
export function hasFirstRowSink(graph: OnnxGraph, output: string): boolean {
  // Ranks are unknown before the probe: assume token states ([batch, sequence, hidden]), and, as
  // the planner does, only an axis past the batch.
  return liveNodes(graph, output).some((n) => (firstRowSinkAxis(graph, n, 3) ?? 0) >= 1);
}

/**
 * Plans the rewrite of `graph` so that only the first sequence entry is computed where possible.
 * With a sequence axis `outputAxis` (a token-level output [batch, sequence, …]) the output itself
 * holds only its first entry afterwards; with `'pooled'` (an output that takes the first token inside the graph, via
 * `Gather`/`Slice` — see `firstRowSinkAxis`) the output is unchanged and only the work before that
 * point shrinks. `shapes` come from the probe run with batch size `batch`.
 */
export function planFirstTokenOnly(graph: OnnxGraph, output: string, shapes: ProbeShapes, batch: number, outputAxis: number | 'pooled' = 1): FirstTokenResult {
  const seqAxis = outputAxis === 'pooled' ? undefined : outputAxis;
  if ((graph.opset ?? 0) < 10) return { ok: false, reason: `opset ${graph.opset ?? 'unknown'} has no Slice with inputs (needs ≥ 10)` };
  const outShape = shapes.get(output);
  if (seqAxis !== undefined && (!outShape || outShape.length <= seqAxis || outShape[seqAxis]! < 2)) return { ok: false, reason: `output ${output} has no sequence axis ${seqAxis} in the probe` };
  const live = liveNodes(graph, output);
  const producer = new Map<string, OnnxNode>();
  for (const n of live) for (const o of n.outputs) if (o) producer.set(o, n);
  const consumers = new Map<string, { node: OnnxNode; input: number }[]>();
  for (const n of live) n.inputs.forEach((name, input) => name && consumers.set(name, [...(consumers.get(name) ?? []), { node: n, input }]));
  const order = topologicalOrder(live, producer);
  if (!order) return { ok: false, reason: 'the graph has a cycle' };

  const ctx: Context = { graph, shapes, batch };
  const requests = new Map<number, Requests>(); // nodes in the sliced region, and sinks
  /** Nodes that read a first row but whose output is unchanged (see `firstRowSinkAxis`). */
  const sinks = new Set<number>();
  const reshapes = new Map<number, number[]>();
  /** Whether `value` is computed sliced (its producer is in the region proper). */
  const slicedAtSource = (value: string, axis: number) => {
    const p = producer.get(value);
    return p !== undefined && requests.has(p.index) && !sinks.has(p.index) && uniform(value) === axis;
  };
  /** The axis every consumer of `value` wants it sliced on, or undefined if some consumer needs it whole. */
  const uniform = (value: string): number | undefined => {
    let axis: number | undefined = value === output ? seqAxis : undefined;
    const uses = consumers.get(value) ?? [];
    if (value !== output && uses.length === 0) return undefined;
    for (const { node, input } of uses) {
      const a = requests.get(node.index)?.get(input);
      if (a === undefined || (axis !== undefined && a !== axis)) return undefined;
      axis = a;
    }
    return axis;
  };
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const used = node.outputs.filter((o) => o && (o === output || consumers.has(o)));
    if (used.length === 0) continue;
    const axes = used.map(uniform);
    const axis = axes[0];
    if (axis === undefined || axes.some((a) => a !== axis)) {
      const sinkAxis = firstRowSinkAxis(graph, node, shapes.get(node.inputs[0]!)?.length);
      const data = shapes.get(node.inputs[0]!);
      // Only token states ([batch, sequence, hidden, …]) past the batch axis: not shape arithmetic.
      if (sinkAxis !== undefined && data && data.length >= 3 && sinkAxis >= 1 && data[sinkAxis]! > 1) {
        requests.set(node.index, new Map([[0, sinkAxis]]));
        sinks.add(node.index);
      }
      continue;
    }
    // Every used output must have the shape of the first (multi-output norms: mean/inv-std are not).
    const first = shapes.get(node.outputs[0]!);
    if (!first || used.some((o) => (shapes.get(o)?.length ?? -1) !== first.length || shapes.get(o)![axis] !== first[axis])) continue;
    const r = requestsFor(ctx, node, axis, reshapes);
    if (r) requests.set(node.index, r);
    else reshapes.delete(node.index);
  }
  const root = producer.get(output);
  if (seqAxis !== undefined && (!root || !requests.has(root.index) || sinks.has(root.index)))
    return { ok: false, reason: `the node producing ${output} (${root?.opType ?? 'none'}) does not commute with a slice` };
  if (seqAxis === undefined && sinks.size === 0) return { ok: false, reason: `${output} does not take the first token through a Gather or Slice the rewrite recognises` };

  // Emit: Slice nodes where a sliced input comes from outside the region, constant Reshape targets.
  const taken = new Set<string>([...graph.initializers.keys(), ...graph.inputs, ...graph.nodes.flatMap((n) => [...n.outputs, n.name])]);
  const fresh = (base: string) => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const initializers: TensorSpec[] = [];
  const int64Constant = (base: string, values: readonly number[]) => {
    const name = fresh(base);
    initializers.push({ name, dataType: 'int64', dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });
    return name;
  };
  const nodes: NodeSpec[] = [];
  const slices = new Map<string, string>();
  let starts: string | undefined;
  let ends: string | undefined;
  const sliceOf = (value: string, axis: number) => {
    const key = `${axis}\u0000${value}`;
    let name = slices.get(key);
    if (!name) {
      starts ??= int64Constant('synonym_lens_first_token_starts', [0]);
      ends ??= int64Constant('synonym_lens_first_token_ends', [1]);
      name = fresh(`${value}_first_token`);
      nodes.push({ opType: 'Slice', inputs: [value, starts, ends, int64Constant(`synonym_lens_first_token_axis${axis}`, [axis])], outputs: [name], name: fresh(`synonym_lens_first_token_slice_${slices.size}`) });
      slices.set(key, name);
    }
    return name;
  };
  const renameInputs = new Map<number, Map<number, string>>();
  const rename = (node: number, input: number, to: string) => {
    const m = renameInputs.get(node) ?? new Map<number, string>();
    m.set(input, to);
    renameInputs.set(node, m);
  };
  /** Inputs a copy reads from other copies: value → copy name (filled below). */
  const copyOf = new Map<string, string>();
  const region = live.filter((n) => requests.has(n.index));
  // The check model copies the region, the sinks and everything downstream of the sinks.
  const copied = new Set(region.map((n) => n.index));
  for (const n of order) if (!copied.has(n.index) && n.inputs.some((v) => v && producer.has(v) && copied.has(producer.get(v)!.index))) copied.add(n.index);
  const toCopy = order.filter((n) => copied.has(n.index));
  for (const node of toCopy) for (const o of node.outputs) if (o) copyOf.set(o, fresh(`${o}__first_token`));
  let slicedMatMuls = 0;
  const copies: NodeCopy[] = [];
  for (const node of toCopy) {
    const r = requests.get(node.index) ?? new Map<number, number>();
    if (!sinks.has(node.index) && r.size && MATRIX_PRODUCTS.has(node.opType)) slicedMatMuls++;
    const copyInputs = new Map<number, string>();
    node.inputs.forEach((value, input) => {
      if (value && !r.has(input) && copyOf.has(value)) copyInputs.set(input, copyOf.get(value)!);
    });
    for (const [input, axis] of r) {
      const value = node.inputs[input]!;
      if (slicedAtSource(value, axis)) {
        copyInputs.set(input, copyOf.get(value)!);
        continue;
      }
      const sliced = sliceOf(value, axis);
      rename(node.index, input, sliced);
      copyInputs.set(input, sliced);
    }
    const target = reshapes.get(node.index);
    if (target) {
      const shape = int64Constant(`synonym_lens_first_token_shape_${node.index}`, target);
      rename(node.index, 1, shape);
      copyInputs.set(1, shape);
    }
    const outputs = new Map<number, string>();
    node.outputs.forEach((o, k) => o && outputs.set(k, copyOf.get(o)!));
    copies.push({ index: node.index, name: fresh(`${node.name || node.opType}__first_token`), inputs: copyInputs, outputs });
  }
  if (slicedMatMuls === 0) return { ok: false, reason: 'no matrix product could be restricted to the first token' };
  const liveSet = new Set(live.map((n) => n.index));
  return {
    ok: true,
    plan: {
      edits: {
        dropNodes: new Set(graph.nodes.filter((n) => !liveSet.has(n.index)).map((n) => n.index)),
        renameInputs,
        keepOutputs: new Set([output]),
        dropValueInfo: true,
        appendNodes: nodes,
        appendInitializers: initializers,
      },
      checkEdits: {
        dropNodes: new Set(graph.nodes.filter((n) => !liveSet.has(n.index)).map((n) => n.index)),
        keepOutputs: new Set([output]),
        addOutputs: [copyOf.get(output)!],
        dropValueInfo: true,
        copyNodes: copies,
        appendNodes: nodes,
        appendInitializers: initializers,
      },
      checkOutput: copyOf.get(output)!,
      slicedNodes: requests.size - sinks.size,
      slicedMatMuls,
      insertedSlices: slices.size,
    },
  };
}
