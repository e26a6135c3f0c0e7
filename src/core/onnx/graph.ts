/**
 * The node-level view of an ONNX model that graph rewrites need (see `firstToken.ts`): every
 * top-level node with its op, inputs, outputs and integer attributes, the initializers' shapes,
 * and the graph's inputs and outputs — read without decoding any weight payload — plus
 * `rewriteGraph`, which edits a model at the field level (drop nodes, re-point node inputs, keep
 * only some outputs, append nodes and initializers) and copies every other byte unchanged.
 *
 * Field numbers are those of onnx/onnx.proto. Subgraphs of control-flow nodes are not visited.
 */
import { concat, fields, lengthDelimited, mapGraphFields } from './reader';
import { encodeModel, type NodeSpec, type TensorSpec } from './writer';
import { decodeUtf8, encodeUtf8 } from '../utf8';

/** An integer or integer-list attribute (the only kinds the rewrites read). */
export type IntAttribute = { readonly kind: 'int'; readonly value: number } | { readonly kind: 'ints'; readonly value: readonly number[] };

export interface OnnxNode {
  /** Position among the graph's nodes (in file order). */
  readonly index: number;
  readonly opType: string;
  /** `''` for the ONNX domain. */
  readonly domain: string;
  readonly name: string;
  /** Value names; `''` marks an omitted optional input/output. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer attributes by name; other attribute kinds are only listed in `otherAttributes`. */
  readonly intAttributes: ReadonlyMap<string, IntAttribute>;
  readonly otherAttributes: ReadonlySet<string>;
  /** A `Constant` node's small integer `value` (see `OnnxGraph.intConstants`). */
  readonly intValue?: IntConstant;
}

/** A small integer tensor's dims and values (int32/int64, at most `SMALL_CONSTANT` values). */
export interface IntConstant {
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

/** Integer tensors up to this many values are decoded (indices, axes, shapes). */
const SMALL_CONSTANT = 16;

export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  /** Initializer name → dims and TensorProto data type. */
  readonly initializers: ReadonlyMap<string, { readonly dims: readonly number[]; readonly dataType: number }>;
  /** Small integer tensors by value name: initializers and `Constant` node outputs. */
  readonly intConstants: ReadonlyMap<string, IntConstant>;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Version of the ONNX-domain opset (undefined if the model declares none). */
  readonly opset?: number;
  /** Whether any initializer lives in an external data file. */
  readonly hasExternalData: boolean;
  /** The distinct `location` values of external initializers, as written in the file (unchecked). */
  readonly externalLocations: readonly string[];
}

/** Signed 64-bit varint at [start, end) (attribute ints are int64; −1 takes ten bytes). */
function signedVarint(buf: Uint8Array, pos: number, end: number): { value: number; next: number } {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= end) throw new Error('truncated protobuf varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  return { value: Number(BigInt.asIntN(64, result)), next: pos };
}

/** The int64 values of a repeated field occurrence: one unpacked value (wire 0) or a packed run (wire 2). */
function int64s(buf: Uint8Array, f: { wire: number; keyStart: number; start?: number; end?: number; next: number }): number[] {
  if (f.wire === 2) {
    const out: number[] = [];
    for (let pos = f.start!; pos < f.end!; ) {
      const v = signedVarint(buf, pos, f.end!);
      out.push(v.value);
      pos = v.next;
    }
    return out;
  }
  // Unpacked: re-read the varint after the key to keep the sign.
  let pos = f.keyStart;
  while (buf[pos]! >= 0x80) pos++;
  return [signedVarint(buf, pos + 1, f.next).value];
}

/** A TensorProto's name, dims, data type, external flag and — for small int32/int64 tensors — values. */
function readTensor(buf: Uint8Array, start: number, end: number): { name: string; dims: number[]; dataType: number; external: boolean; location?: string; values?: number[] } {
  let name = '';
  let location: string | undefined;
  const dims: number[] = [];
  let dataType = 0;
  let external = false;
  let raw: { start: number; end: number } | undefined;
  const typed: number[] = [];
  for (const f of fields(buf, start, end)) {
    // TensorProto: dims = 1, data_type = 2, int32_data = 5, int64_data = 7, name = 8, raw_data = 9, data_location = 14
    if (f.field === 1) dims.push(...int64s(buf, f));
    else if (f.field === 2 && f.wire === 0) dataType = f.value!;
    else if ((f.field === 5 || f.field === 7) && (f.wire === 0 || f.wire === 2)) typed.push(...int64s(buf, f));
    else if (f.field === 8 && f.wire === 2) name = decodeUtf8(buf, f.start, f.end);
    else if (f.field === 9 && f.wire === 2) raw = { start: f.start!, end: f.end! };
    else if (f.field === 14 && f.wire === 0 && f.value === 1) external = true;
    else if (f.field === 13 && f.wire === 2) {
      // external_data: StringStringEntryProto { key = 1, value = 2 }
      let key = '';
      let value = '';
      for (const e of fields(buf, f.start!, f.end!)) {
        if (e.field === 1 && e.wire === 2) key = decodeUtf8(buf, e.start, e.end);
        else if (e.field === 2 && e.wire === 2) value = decodeUtf8(buf, e.start, e.end);
      }
      if (key === 'location') location = value;
    }
  }
  const count = dims.reduce((p, d) => p * d, 1);
  let values: number[] | undefined;
  if ((dataType === 6 || dataType === 7) && count <= SMALL_CONSTANT && !external) {
    if (raw) {
      const width = dataType === 7 ? 8 : 4;
      if (raw.end - raw.start === count * width) {
        const view = new DataView(buf.buffer, buf.byteOffset + raw.start, raw.end - raw.start);
        values = Array.from({ length: count }, (_, i) => (width === 8 ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true)));
      }
    } else if (typed.length === count) values = typed;
  }
  return { name, dims, dataType, external, ...(external && location !== undefined ? { location } : {}), values };
}

function readNode(buf: Uint8Array, start: number, end: number, index: number): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let opType = '';
  let domain = '';
  const intAttributes = new Map<string, IntAttribute>();
  const otherAttributes = new Set<string>();
  let intValue: IntConstant | undefined;
  for (const f of fields(buf, start, end)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) inputs.push(decodeUtf8(buf, f.start, f.end));
    else if (f.field === 2) outputs.push(decodeUtf8(buf, f.start, f.end));
    else if (f.field === 3) name = decodeUtf8(buf, f.start, f.end);
    else if (f.field === 4) opType = decodeUtf8(buf, f.start, f.end);
    else if (f.field === 7) domain = decodeUtf8(buf, f.start, f.end);
    else if (f.field === 5) {
      // AttributeProto: name = 1, i = 3, t = 5, ints = 8, type = 20 (INT = 2, TENSOR = 4, INTS = 7)
      let attrName = '';
      let single: number | undefined;
      const list: number[] = [];
      let type = 0;
      let tensor: ReturnType<typeof readTensor> | undefined;
      for (const a of fields(buf, f.start!, f.end!)) {
        if (a.field === 1 && a.wire === 2) attrName = decodeUtf8(buf, a.start, a.end);
        else if (a.field === 5 && a.wire === 2) tensor = readTensor(buf, a.start!, a.end!);
        else if (a.field === 3 && a.wire === 0) single = int64s(buf, a)[0];
        else if (a.field === 8 && (a.wire === 0 || a.wire === 2)) list.push(...int64s(buf, a));
        else if (a.field === 20 && a.wire === 0) type = a.value!;
      }
      if (attrName === 'value' && tensor?.values) intValue = { dims: tensor.dims, values: tensor.values };
      if (type === 2 || (type === 0 && single !== undefined)) intAttributes.set(attrName, { kind: 'int', value: single ?? 0 });
      else if (type === 7 || (type === 0 && list.length)) intAttributes.set(attrName, { kind: 'ints', value: list });
      else otherAttributes.add(attrName);
    }
  }
  domain = domain === 'ai.onnx' ? '' : domain;
  return { index, opType, domain, name, inputs, outputs, intAttributes, otherAttributes, ...(opType === 'Constant' && domain === '' && intValue ? { intValue } : {}) };
}

/** Reads the node-level view of a model (all `graph` fields merged, as protobuf parsers do). */
export function readOnnxGraph(model: Uint8Array): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, { dims: number[]; dataType: number }>();
  const intConstants = new Map<string, IntConstant>();
  const inputs: string[] = [];
  const outputs: string[] = [];
  let opset: number | undefined;
  let hasExternalData = false;
  const externalLocations = new Set<string>();
  for (const m of fields(model, 0, model.length)) {
    if (m.field === 8 && m.wire === 2) {
      let domain = '';
      let version = 0;
      for (const f of fields(model, m.start!, m.end!)) {
        if (f.field === 1 && f.wire === 2) domain = decodeUtf8(model, f.start, f.end);
        else if (f.field === 2 && f.wire === 0) version = f.value!;
      }
      if (domain === '' || domain === 'ai.onnx') opset = version;
    } else if (m.field === 7 && m.wire === 2) {
      for (const g of fields(model, m.start!, m.end!)) {
        if (g.wire !== 2) continue;
        if (g.field === 1) nodes.push(readNode(model, g.start!, g.end!, nodes.length));
        else if (g.field === 5) {
          const t = readTensor(model, g.start!, g.end!);
          if (t.external) hasExternalData = true;
          if (t.location !== undefined) externalLocations.add(t.location);
          initializers.set(t.name, { dims: t.dims, dataType: t.dataType });
          if (t.values) intConstants.set(t.name, { dims: t.dims, values: t.values });
        } else if (g.field === 11 || g.field === 12) {
          let name = '';
          for (const f of fields(model, g.start!, g.end!)) if (f.field === 1 && f.wire === 2) name = decodeUtf8(model, f.start, f.end);
          (g.field === 11 ? inputs : outputs).push(name);
        }
      }
    }
  }
  // Older exports list initializers among the inputs too; those are not fed.
  for (const n of nodes) if (n.intValue && n.outputs[0]) intConstants.set(n.outputs[0], n.intValue);
  return { nodes, initializers, intConstants, inputs: inputs.filter((n) => !initializers.has(n)), outputs, opset, hasExternalData, externalLocations: [...externalLocations] };
}

/** A copy of an existing node, appended with some inputs and outputs (by position) renamed. */
export interface NodeCopy {
  readonly index: number;
  /** The copy's node name (must be unique). */
  readonly name: string;
  readonly inputs: ReadonlyMap<number, string>;
  readonly outputs: ReadonlyMap<number, string>;
}

export interface GraphEdits {
  /** Nodes (by `OnnxNode.index`) to leave out. */
  readonly dropNodes?: ReadonlySet<number>;
  /** Node index → input position → new value name. */
  readonly renameInputs?: ReadonlyMap<number, ReadonlyMap<number, string>>;
  /** Keep only these graph outputs (default: all). */
  readonly keepOutputs?: ReadonlySet<string>;
  /** Extra graph outputs declared by name only (no type), e.g. to probe intermediate shapes. */
  readonly addOutputs?: readonly string[];
  /** Drop every `value_info` entry (optional shape hints that a rewrite may make stale). */
  readonly dropValueInfo?: boolean;
  /** Copies of existing nodes, appended (before `appendNodes`). */
  readonly copyNodes?: readonly NodeCopy[];
  readonly appendNodes?: readonly NodeSpec[];
  readonly appendInitializers?: readonly TensorSpec[];
}

/** Re-encodes a NodeProto with some inputs/outputs (by position) and optionally its name replaced. */
function renameNodeValues(buf: Uint8Array, start: number, end: number, inputs: ReadonlyMap<number, string>, outputs?: ReadonlyMap<number, string>, name?: string): Uint8Array {
  const parts: Uint8Array[] = [];
  let input = 0;
  let output = 0;
  for (const f of fields(buf, start, end)) {
    let to: string | undefined;
    if (f.field === 1 && f.wire === 2) to = inputs.get(input++);
    else if (f.field === 2 && f.wire === 2) to = outputs?.get(output++);
    else if (f.field === 3 && f.wire === 2) to = name;
    parts.push(to !== undefined ? lengthDelimited(f.field, encodeUtf8(to)) : buf.subarray(f.keyStart, f.next));
  }
  return concat(parts);
}

/**
 * Initializers stored as external data that points into the original model file itself (at the
 * offset of their `raw_data`), so a rewritten model is a few kilobytes that onnxruntime loads
 * next to a link to the original file, and the weights are read once, by onnxruntime only.
 */
export interface WeightsByReference {
  /** The original model file's name as seen from the rewritten model's folder. */
  readonly location: string;
  /** Initializers with `raw_data` of at least this many bytes are referenced (default 1024). */
  readonly minBytes?: number;
}

/** A TensorProto with its `raw_data` replaced by an external-data reference to the same bytes. */
function weightsByReference(buf: Uint8Array, start: number, end: number, weights: WeightsByReference): Uint8Array {
  let raw: { start: number; end: number } | undefined;
  for (const f of fields(buf, start, end)) {
    if (f.field === 9 && f.wire === 2) raw = { start: f.start!, end: f.end! };
    if (f.field === 14 && f.wire === 0 && f.value === 1) return buf.slice(start, end); // already external
  }
  if (!raw || raw.end - raw.start < (weights.minBytes ?? 1024)) return buf.slice(start, end);
  const parts: Uint8Array[] = [];
  for (const f of fields(buf, start, end)) if (!(f.field === 9 && f.wire === 2)) parts.push(buf.subarray(f.keyStart, f.next));
  const entry = (key: string, value: string) => lengthDelimited(13, concat([lengthDelimited(1, encodeUtf8(key)), lengthDelimited(2, encodeUtf8(value))]));
  parts.push(entry('location', weights.location), entry('offset', String(raw.start)), entry('length', String(raw.end - raw.start)));
  parts.push(Uint8Array.of(14 * 8, 1)); // data_location = EXTERNAL
  return concat(parts);
}

/**
 * Applies `edits` to a model. Node indices are those of `readOnnxGraph` on the same bytes. Appended
 * nodes go after the existing ones (onnxruntime sorts nodes topologically when it loads a graph).
 */
export function rewriteGraph(model: Uint8Array, edits: GraphEdits): Uint8Array {
  return concat(rewriteGraphParts(model, edits));
}

/**
 * `rewriteGraph` as consecutive byte ranges, mostly views into `model`: written one after the
 * other they are the new model, without ever holding a second copy of the weights (models are
 * hundreds of megabytes; every copy shows in the peak memory at load).
 */
export function rewriteGraphParts(model: Uint8Array, edits: GraphEdits, weights?: WeightsByReference): Uint8Array[] {
  let nodeIndex = 0;
  const copies = new Map<number, NodeCopy[]>();
  for (const c of edits.copyNodes ?? []) copies.set(c.index, [...(copies.get(c.index) ?? []), c]);
  const copied: Uint8Array[] = [];
  const parts = mapGraphFields(model, (g) => {
    if (g.wire !== 2) return undefined;
    if (g.field === 1) {
      const index = nodeIndex++;
      for (const c of copies.get(index) ?? []) copied.push(lengthDelimited(1, renameNodeValues(model, g.start!, g.end!, c.inputs, c.outputs, c.name)));
      if (edits.dropNodes?.has(index)) return null;
      const renames = edits.renameInputs?.get(index);
      return renames?.size ? lengthDelimited(1, renameNodeValues(model, g.start!, g.end!, renames)) : undefined;
    }
    if (g.field === 12 && edits.keepOutputs) {
      let name = '';
      for (const f of fields(model, g.start!, g.end!)) if (f.field === 1 && f.wire === 2) name = decodeUtf8(model, f.start, f.end);
      return edits.keepOutputs.has(name) ? undefined : null;
    }
    if (g.field === 13 && edits.dropValueInfo) return null;
    if (g.field === 5 && weights) return lengthDelimited(5, weightsByReference(model, g.start!, g.end!, weights));
    return undefined;
  });
  const extra: Uint8Array[] = [...copied];
  for (const name of edits.addOutputs ?? []) extra.push(lengthDelimited(12, lengthDelimited(1, encodeUtf8(name))));
  if (edits.appendNodes?.length || edits.appendInitializers?.length) {
    // Encode the additions as a model and keep only its graph's node and initializer fields.
    const spec = encodeModel({ graph: { name: 'append', nodes: edits.appendNodes ?? [], initializers: edits.appendInitializers ?? [], inputs: [], outputs: [] } });
    for (const m of fields(spec, 0, spec.length)) {
      if (m.field !== 7 || m.wire !== 2) continue;
      for (const g of fields(spec, m.start!, m.end!)) if (g.field === 1 || g.field === 5) extra.push(spec.subarray(g.keyStart, g.next));
    }
  }
  if (extra.length) parts.push(lengthDelimited(7, concat(extra)));
  // Copies, so that no view keeps the (large) source buffer alive.
  return weights ? parts.map((p) => p.slice()) : parts;
}
