/**
 * A small ONNX protobuf writer in pure TS: enough of onnx.proto (ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto, AttributeProto, OperatorSetIdProto, StringStringEntryProto) to write
 * the built-in model, fine-tuned exports and small test models, without a protobuf dependency.
 *
 * Field numbers are those of onnx/onnx.proto (proto2). Repeated scalars are written unpacked, as
 * the reference implementation does; initializers carry `raw_data` in little-endian order.
 */
import { encodeUtf8 } from '../utf8';

// ---------------------------------------------------------------------------------------------
// Types

/** Element types (TensorProto.DataType) supported for tensors, inputs and outputs. */
export type TensorDataType =
  | 'float32'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'bool'
  | 'float16'
  | 'float64'
  | 'uint32'
  | 'uint64';

/** TensorProto.DataType enum values. */
export const ONNX_DATA_TYPE: Readonly<Record<TensorDataType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
};

const BYTES_PER_ELEMENT: Readonly<Record<TensorDataType, number>> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
  float64: 8,
  uint32: 4,
  uint64: 8,
};

/** Typed-array storage of tensor data (`bool` as Uint8Array of 0/1, `float16` as Uint16Array bits). */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A constant tensor (initializer or tensor attribute). `data.length` = product of `dims`. */
export interface TensorSpec {
  readonly name: string;
  readonly dataType: TensorDataType;
  readonly dims: readonly number[];
  readonly data: TensorData;
  readonly docString?: string;
}

/**
 * A graph input/output/value description. Each shape entry is a fixed size (number), a symbolic
 * dimension name (string, e.g. `"batch"`) or `null` (unknown). `shape: undefined` = unknown rank.
 */
export interface ValueInfoSpec {
  readonly name: string;
  readonly elemType: TensorDataType;
  readonly shape?: readonly (number | string | null)[];
  readonly docString?: string;
}

/** A node attribute, tagged with its ONNX attribute type (ints and floats must be told apart). */
export type AttributeValue =
  | { readonly type: 'int'; readonly value: number | bigint }
  | { readonly type: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'string'; readonly value: string | Uint8Array }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  | { readonly type: 'tensor'; readonly value: TensorSpec }
  | { readonly type: 'graph'; readonly value: GraphSpec };

/** Shorthands: `attr.int(1)`, `attr.ints([0, 1])`, `attr.float(1e-12)`, … */
export const attr = {
  int: (value: number | bigint): AttributeValue => ({ type: 'int', value }),
  ints: (value: readonly (number | bigint)[]): AttributeValue => ({ type: 'ints', value }),
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  floats: (value: readonly number[]): AttributeValue => ({ type: 'floats', value }),
  string: (value: string | Uint8Array): AttributeValue => ({ type: 'string', value }),
  strings: (value: readonly string[]): AttributeValue => ({ type: 'strings', value }),
  tensor: (value: TensorSpec): AttributeValue => ({ type: 'tensor', value }),
  graph: (value: GraphSpec): AttributeValue => ({ type: 'graph', value }),
};

export interface NodeSpec {
  readonly opType: string;
  /** Value names; `''` marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  /** Operator set domain; `''` (default) is the ONNX domain. */
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly docString?: string;
}

export interface GraphSpec {
  readonly name: string;
  /** Nodes in topological order. */
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: readonly TensorSpec[];
  readonly inputs: readonly ValueInfoSpec[];
  readonly outputs: readonly ValueInfoSpec[];
  readonly valueInfo?: readonly ValueInfoSpec[];
  readonly docString?: string;
}

export interface OpsetSpec {
  /** `''` for the default ONNX domain, e.g. `com.microsoft` otherwise. */
  readonly domain: string;
  readonly version: number;
}

export interface ModelSpec {
  readonly graph: GraphSpec;
  /** IR version; default 8 (the IR of opset 17, readable by onnxruntime ≥ 1.12). */
  readonly irVersion?: number;
  /** Default `[{ domain: '', version: 17 }]`. */
  readonly opsets?: readonly OpsetSpec[];
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly domain?: string;
  readonly modelVersion?: number;
  readonly docString?: string;
  /** Written as `metadata_props`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------
// Protobuf wire encoding

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;


/**
 * Accumulates a message as a list of byte chunks, so nesting (which needs each sub-message's
 * length up front) never copies large payloads such as a 16 MiB initializer until `finish()`.
 */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  length = 0;

  private flushScratch(): void {
    if (this.scratch.length) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.length += this.scratch.length;
      this.scratch = [];
    }
  }

  private rawVarint(value: number | bigint): void {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
      let v = value;
      while (v >= 0x80) {
        this.scratch.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      this.scratch.push(v);
      return;
    }
    if (typeof value === 'number' && !Number.isInteger(value)) throw new RangeError(`varint must be an integer, got ${value}`);
    // Negative int64s are encoded as their 64-bit two's complement (10 bytes), as protobuf does.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.scratch.push(b[0]!, b[1]!, b[2]!, b[3]!);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(data.length);
    if (data.length < 64) {
      for (const x of data) this.scratch.push(x);
    } else {
      this.flushScratch();
      this.chunks.push(data);
      this.length += data.length;
    }
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encodeUtf8(value));
  }

  message(field: number, sub: ProtoWriter): this {
    sub.flushScratch();
    this.tag(field, WIRE_LEN);
    this.rawVarint(sub.length);
    this.flushScratch();
    for (const c of sub.chunks) this.chunks.push(c);
    this.length += sub.length;
    return this;
  }

  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Messages (field numbers from onnx.proto)

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function tensorBytes(t: TensorSpec): Uint8Array {
  const size = BYTES_PER_ELEMENT[t.dataType];
  if (size === undefined) throw new Error(`tensor ${t.name}: unsupported data type ${t.dataType}`);
  if (t.data.BYTES_PER_ELEMENT !== size)
    throw new Error(`tensor ${t.name}: ${t.dataType} needs ${size}-byte elements, got a ${t.data.constructor.name}`);
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) throw new Error(`tensor ${t.name}: dims [${t.dims.join(', ')}] need ${count} elements, got ${t.data.length}`);
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (HOST_LITTLE_ENDIAN || size === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) swapped[i + j] = bytes[i + size - 1 - j]!;
  return swapped;
}

function encodeTensor(t: TensorSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.varint(1, d); // dims
  w.varint(2, ONNX_DATA_TYPE[t.dataType]); // data_type
  w.string(8, t.name); // name
  if (t.docString) w.string(12, t.docString); // doc_string
  w.bytes(9, tensorBytes(t)); // raw_data
  return w;
}

function encodeValueInfo(v: ValueInfoSpec): ProtoWriter {
  const tensorType = new ProtoWriter().varint(1, ONNX_DATA_TYPE[v.elemType]); // TypeProto.Tensor.elem_type
  if (v.shape) {
    const shape = new ProtoWriter();
    for (const d of v.shape) {
      const dim = new ProtoWriter();
      if (typeof d === 'number') dim.varint(1, d); // dim_value
      else if (typeof d === 'string') dim.string(2, d); // dim_param
      shape.message(1, dim); // TensorShapeProto.dim
    }
    tensorType.message(2, shape); // TypeProto.Tensor.shape
  }
  const type = new ProtoWriter().message(1, tensorType); // TypeProto.tensor_type
  const w = new ProtoWriter().string(1, v.name).message(2, type); // name, type
  if (v.docString) w.string(3, v.docString);
  return w;
}

// AttributeProto.AttributeType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

function encodeAttribute(name: string, a: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name); // name
  switch (a.type) {
    case 'float':
      w.float(2, a.value).varint(20, ATTR.FLOAT); // f, type
      break;
    case 'int':
      w.varint(3, a.value).varint(20, ATTR.INT); // i
      break;
    case 'string':
      w.bytes(4, typeof a.value === 'string' ? encodeUtf8(a.value) : a.value).varint(20, ATTR.STRING); // s
      break;
    case 'tensor':
      w.message(5, encodeTensor(a.value)).varint(20, ATTR.TENSOR); // t
      break;
    case 'graph':
      w.message(6, encodeGraph(a.value)).varint(20, ATTR.GRAPH); // g
      break;
    case 'floats':
      for (const f of a.value) w.float(7, f); // floats
      w.varint(20, ATTR.FLOATS);
      break;
    case 'ints':
      for (const i of a.value) w.varint(8, i); // ints
      w.varint(20, ATTR.INTS);
      break;
    case 'strings':
      for (const s of a.value) w.string(9, s); // strings
      w.varint(20, ATTR.STRINGS);
      break;
  }
  return w;
}

function encodeNode(n: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i); // input
  for (const o of n.outputs) w.string(2, o); // output
  if (n.name) w.string(3, n.name); // name
  w.string(4, n.opType); // op_type
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, encodeAttribute(k, v)); // attribute
  if (n.docString) w.string(6, n.docString); // doc_string
  if (n.domain) w.string(7, n.domain); // domain
  return w;
}

function encodeGraph(g: GraphSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n)); // node
  w.string(2, g.name); // name
  for (const t of g.initializers ?? []) w.message(5, encodeTensor(t)); // initializer
  if (g.docString) w.string(10, g.docString); // doc_string
  for (const v of g.inputs) w.message(11, encodeValueInfo(v)); // input
  for (const v of g.outputs) w.message(12, encodeValueInfo(v)); // output
  for (const v of g.valueInfo ?? []) w.message(13, encodeValueInfo(v)); // value_info
  return w;
}

/** Serialises a model to ONNX protobuf bytes (what `model.onnx` holds). */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, spec.irVersion ?? 8); // ir_version
  w.string(2, spec.producerName ?? 'synonym-lens'); // producer_name
  if (spec.producerVersion) w.string(3, spec.producerVersion); // producer_version
  if (spec.domain) w.string(4, spec.domain); // domain
  if (spec.modelVersion !== undefined) w.varint(5, spec.modelVersion); // model_version
  if (spec.docString) w.string(6, spec.docString); // doc_string
  w.message(7, encodeGraph(spec.graph)); // graph
  for (const o of spec.opsets ?? [{ domain: '', version: 17 }]) {
    const op = new ProtoWriter();
    if (o.domain) op.string(1, o.domain);
    op.varint(2, o.version);
    w.message(8, op); // opset_import
  }
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    w.message(14, new ProtoWriter().string(1, key).string(2, value)); // metadata_props
  }
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Graph builder

/**
 * Builds a `GraphSpec` step by step, naming intermediate values automatically:
 *
 * ```ts
 * const g = new GraphBuilder('main');
 * const x = g.input('x', 'float32', ['batch', 4]);
 * const w = g.initializer('w', 'float32', [4, 2], weights);
 * g.output(g.node('MatMul', [x, w]), 'float32', ['batch', 2], 'y');
 * const bytes = encodeModel({ graph: g.build() });
 * ```
 */
export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private readonly inputs: ValueInfoSpec[] = [];
  private readonly outputs: ValueInfoSpec[] = [];
  private readonly valueInfo: ValueInfoSpec[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`value name "${name}" is already used in graph ${this.name}`);
    this.names.add(name);
    return name;
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    return this.claim(name);
  }

  /** Declares a graph input; returns its name. */
  input(name: string, elemType: TensorDataType, shape?: readonly (number | string | null)[]): string {
    this.inputs.push({ name: this.claim(name), elemType, shape });
    return name;
  }

  /** Adds a constant (raw_data initializer); returns its name. */
  initializer(name: string, dataType: TensorDataType, dims: readonly number[], data: TensorData): string {
    this.initializers.push({ name: this.claim(name), dataType, dims, data });
    return name;
  }

  /** Shorthand for a 1-D int64 initializer (axes, shapes), e.g. `g.int64s('axes', [1])`. */
  int64s(name: string, values: readonly number[]): string {
    return this.initializer(name, 'int64', [values.length], BigInt64Array.from(values, (v) => BigInt(v)));
  }

  /** Shorthand for a float32 scalar (rank 0) initializer. */
  float32Scalar(name: string, value: number): string {
    return this.initializer(name, 'float32', [], Float32Array.of(value));
  }

  /**
   * Appends a node; returns its output names (generated from the op type unless `outputs` names
   * them). `outputs` may be a count for multi-output ops.
   */
  nodeMulti(
    opType: string,
    inputs: readonly string[],
    options: { outputs?: readonly string[] | number; attributes?: Record<string, AttributeValue>; name?: string; domain?: string } = {},
  ): string[] {
    const outs =
      typeof options.outputs === 'number' || options.outputs === undefined
        ? Array.from({ length: typeof options.outputs === 'number' ? options.outputs : 1 }, () => this.fresh(opType.toLowerCase()))
        : options.outputs.map((o) => this.claim(o));
    this.nodes.push({
      opType,
      inputs,
      outputs: outs,
      name: options.name ?? `${opType}_${this.nodes.length}`,
      domain: options.domain,
      attributes: options.attributes,
    });
    return outs;
  }

  /** Appends a single-output node; returns the output name (`output` if given). */
  node(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    output?: string,
    options: { name?: string; domain?: string } = {},
  ): string {
    return this.nodeMulti(opType, inputs, { ...options, attributes, outputs: output === undefined ? 1 : [output] })[0]!;
  }

  /**
   * Declares `value` as a graph output. If `name` differs from `value`, an Identity node renames
   * it, so callers can build first and pick public names last.
   */
  output(value: string, elemType: TensorDataType, shape?: readonly (number | string | null)[], name = value): string {
    const out = name === value ? value : this.node('Identity', [value], undefined, name);
    this.outputs.push({ name: out, elemType, shape });
    return out;
  }

  /** Records the type/shape of an intermediate value (optional; helps readers like Netron). */
  annotate(value: string, elemType: TensorDataType, shape?: readonly (number | string | null)[]): void {
    this.valueInfo.push({ name: value, elemType, shape });
  }

  build(docString?: string): GraphSpec {
    return {
      name: this.name,
      nodes: [...this.nodes],
      initializers: [...this.initializers],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      valueInfo: [...this.valueInfo],
      docString,
    };
  }
}
