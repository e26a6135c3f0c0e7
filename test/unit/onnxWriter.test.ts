import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, attr, encodeModel } from '../../src/core/onnx/writer';
import { encodeUtf8 } from '../../src/core/utf8';
import { OnnxSession } from '../../src/runtime/model/onnxAdapter';

const close = (got: ArrayLike<number>, want: readonly number[], what: string, tol = 1e-6) => {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

test('a small graph written by the encoder runs in onnxruntime with the expected numbers', async () => {
  const g = new GraphBuilder('writer_test');
  const x = g.input('x', 'float32', ['batch', 3]);
  const w = g.initializer('W', 'float32', [3, 2], Float32Array.of(1, 2, 3, 4, 5, 6));
  const b = g.initializer('b', 'float32', [2], Float32Array.of(-10, 0.5));
  const w2 = g.initializer('W2', 'float32', [2, 3], Float32Array.of(1, 0, -1, 2, 2, 2));
  const pads = g.int64s('pads', [0, 1, 0, 1]);
  const y1 = g.node('Relu', [g.node('Add', [g.node('MatMul', [x, w]), b])]); // ints of MatMul+Add, Relu
  g.output(y1, 'float32', ['batch', 2], 'relu');
  g.output(g.node('Gemm', [x, w2], { alpha: attr.float(0.5), transB: attr.int(1) }), 'float32', ['batch', 2], 'gemm');
  g.output(g.node('Softmax', [y1], { axis: attr.int(-1) }), 'float32', ['batch', 2], 'softmax');
  const c = g.node('Constant', [], { value: attr.tensor({ name: 'c', dataType: 'float32', dims: [2], data: Float32Array.of(10, 20) }) });
  g.output(g.node('Add', [y1, c]), 'float32', ['batch', 2], 'plus_const');
  g.output(g.node('Pad', [x, pads], { mode: attr.string('reflect') }), 'float32', ['batch', 5], 'padded');
  g.output(g.node('Transpose', [x], { perm: attr.ints([1, 0]) }), 'float32', [3, 'batch'], 'transposed');
  g.output(g.node('Constant', [], { value_floats: attr.floats([1.5, -2]) }), 'float32', [2], 'floats');
  const bytes = encodeModel({ graph: g.build('test graph'), metadata: { purpose: 'test', 名字: '值' } });
  assert.ok(bytes instanceof Uint8Array);

  const session = await OnnxSession.create(bytes, { threads: 1 });
  try {
    assert.deepEqual([...session.inputNames], ['x']);
    assert.deepEqual([...session.outputNames], ['relu', 'gemm', 'softmax', 'plus_const', 'padded', 'transposed', 'floats']);
    const xs = [1, 2, 3, -1, 0, 1];
    const out = await session.run({ x: { data: Float32Array.from(xs), dims: [2, 3] } });
    // MatMul: [1,2,3]·W = [22, 28]; [-1,0,1]·W = [4, 4]; + b, Relu.
    close(out.relu!.data, [12, 28.5, 0, 4.5], 'relu');
    assert.deepEqual(out.relu!.dims, [2, 2]);
    // Gemm: 0.5 · x · W2ᵀ, W2 rows [1,0,-1] and [2,2,2].
    close(out.gemm!.data, [0.5 * (1 - 3), 0.5 * 12, 0.5 * (-1 - 1), 0.5 * 0], 'gemm');
    const sm = (a: number, b: number) => [Math.exp(a) / (Math.exp(a) + Math.exp(b)), Math.exp(b) / (Math.exp(a) + Math.exp(b))];
    close(out.softmax!.data, [...sm(12, 28.5), ...sm(0, 4.5)], 'softmax');
    close(out.plus_const!.data, [22, 48.5, 10, 24.5], 'plus_const');
    close(out.padded!.data, [2, 1, 2, 3, 2, 0, -1, 0, 1, 0], 'padded');
    close(out.transposed!.data, [1, -1, 2, 0, 3, 1], 'transposed');
    close(out.floats!.data, [1.5, -2], 'floats');
  } finally {
    await session.dispose();
  }
});

test('int64 inputs, symbolic dims and ReduceSum axes-as-input work (opset 17)', async () => {
  const g = new GraphBuilder('gather_test');
  const ids = g.input('ids', 'int64', ['batch', 'n']);
  const table = g.initializer('table', 'float32', [4, 2], Float32Array.of(0, 1, 10, 11, 20, 21, 30, 31));
  const gathered = g.node('Gather', [table, ids], { axis: attr.int(0) });
  g.output(g.node('ReduceSum', [gathered, g.int64s('axes', [1])], { keepdims: attr.int(0) }), 'float32', ['batch', 2], 'sum');
  const session = await OnnxSession.create(encodeModel({ graph: g.build() }), { threads: 1 });
  try {
    const out = await session.run({ ids: { data: BigInt64Array.of(0n, 3n, 2n, 2n), dims: [2, 2] } });
    close(out.sum!.data, [30, 32, 40, 42], 'sum');
  } finally {
    await session.dispose();
  }
});

test('duplicate value names and mismatched tensor data are rejected', () => {
  const g = new GraphBuilder('bad');
  g.input('x', 'float32', [1]);
  assert.throws(() => g.input('x', 'float32', [1]), /already used/);
  const g2 = new GraphBuilder('bad2');
  g2.initializer('w', 'float32', [2, 2], new Float32Array(3));
  assert.throws(() => encodeModel({ graph: g2.build() }), /need 4 elements/);
  const g3 = new GraphBuilder('bad3');
  g3.initializer('w', 'int64', [1], new Float32Array(1) as unknown as BigInt64Array);
  assert.throws(() => encodeModel({ graph: g3.build() }), /8-byte elements/);
});

test('encodeUtf8 matches node for 1–4 byte characters and lone surrogates', () => {
  for (const s of ['', 'abc', 'é', '丰田', '𠀋🚗', 'x\ud800y']) assert.deepEqual(Array.from(encodeUtf8(s)), Array.from(Buffer.from(s, 'utf8')), s);
});
