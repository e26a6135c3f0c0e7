/**
 * A minimal ONNX (protobuf) reader: what the exporter of fine-tuned transformer models needs to
 * append nodes to a model it did not write — the opsets, the graph's inputs and outputs with their
 * element types, every value name (to avoid collisions), and the external data files the
 * initializers point to — plus `renameGraphValue` and `appendToGraph`, which rewrite a model at
 * the field level and copy every other byte unchanged (initializers are never decoded).
 *
 * A model may carry its graph in several `graph` fields (ModelProto field 7): protobuf parsers
 * merge repeated occurrences of a singular message field, repeated fields inside concatenating
 * (externalData.ts and `appendToGraph` rely on this). The reader merges them the same way.
 * Field numbers are those of onnx/onnx.proto.
 */
import { decodeUtf8, encodeUtf8 } from '../utf8';

/** One field of a message: a varint (wire 0) or a byte range (wire 2); fixed-size fields are skipped over. */
export interface Field {
  readonly field: number;
  readonly wire: number;
  /** Offset of the field's key in the buffer. */
  readonly keyStart: number;
  /** Varint value (wire 0; exact below 2^53). */
  readonly value?: number;
  /** Payload range (wire 2). */
  readonly start?: number;
  readonly end?: number;
  /** Offset just after the field. */
  readonly next: number;
}

export function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= end) throw new Error('truncated protobuf varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  };
  while (pos < end) {
    const keyStart = pos;
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const value = varint();
      yield { field, wire, keyStart, value, next: pos };
    } else if (wire === 2) {
      const len = varint();
      if (pos + len > end) throw new Error('truncated protobuf field');
      yield { field, wire, keyStart, start: pos, end: pos + len, next: pos + len };
      pos += len;
    } else if (wire === 1) {
      pos += 8;
      yield { field, wire, keyStart, next: pos };
    } else if (wire === 5) {
      pos += 4;
      yield { field, wire, keyStart, next: pos };
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  if (pos !== end) throw new Error('truncated protobuf message');
}


/** A graph input or output: its name, element type (TensorProto.DataType; 0 if not a tensor) and rank if declared. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: number;
  readonly rank?: number;
}

export interface OnnxModelSummary {
  readonly irVersion: number;
  /** Operator sets; the ONNX domain is `''`. */
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Every value name of the top-level graph: inputs, initializers, node outputs. */
  readonly valueNames: ReadonlySet<string>;
  /** Names of the top-level nodes (onnxruntime rejects duplicates). */
  readonly nodeNames: ReadonlySet<string>;
  /** Distinct `location`s of externally stored initializers, relative to the model file. */
  readonly externalDataLocations: readonly string[];
}

/** Version of the ONNX-domain opset (`''` or `ai.onnx`), or undefined. */
export function onnxOpsetVersion(summary: OnnxModelSummary): number | undefined {
  return summary.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
}

function valueInfo(buf: Uint8Array, start: number, end: number): OnnxValueInfo {
  let name = '';
  let elemType = 0;
  let rank: number | undefined;
  for (const f of fields(buf, start, end)) {
    if (f.field === 1 && f.wire === 2) name = decodeUtf8(buf, f.start, f.end);
    else if (f.field === 2 && f.wire === 2) {
      for (const t of fields(buf, f.start!, f.end!)) {
        if (t.field !== 1 || t.wire !== 2) continue; // TypeProto.tensor_type
        for (const tt of fields(buf, t.start!, t.end!)) {
          if (tt.field === 1 && tt.wire === 0) elemType = tt.value!;
          else if (tt.field === 2 && tt.wire === 2) {
            rank = 0;
            for (const d of fields(buf, tt.start!, tt.end!)) if (d.field === 1) rank++;
          }
        }
      }
    }
  }
  return { name, elemType, rank };
}

/** Reads what `OnnxModelSummary` lists from model bytes, skipping initializer payloads. */
export function readOnnxSummary(model: Uint8Array): OnnxModelSummary {
  let irVersion = 0;
  const opsets: { domain: string; version: number }[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const valueNames = new Set<string>();
  const nodeNames = new Set<string>();
  const locations = new Set<string>();
  for (const m of fields(model, 0, model.length)) {
    if (m.field === 1 && m.wire === 0) irVersion = m.value!;
    else if (m.field === 8 && m.wire === 2) {
      let domain = '';
      let version = 0;
      for (const f of fields(model, m.start!, m.end!)) {
        if (f.field === 1 && f.wire === 2) domain = decodeUtf8(model, f.start, f.end);
        else if (f.field === 2 && f.wire === 0) version = f.value!;
      }
      opsets.push({ domain, version });
    } else if (m.field === 7 && m.wire === 2) {
      for (const g of fields(model, m.start!, m.end!)) {
        if (g.wire !== 2) continue;
        if (g.field === 1) {
          // NodeProto: output = 2, name = 3
          for (const f of fields(model, g.start!, g.end!)) {
            if (f.field === 2 && f.wire === 2) valueNames.add(decodeUtf8(model, f.start, f.end));
            else if (f.field === 3 && f.wire === 2) nodeNames.add(decodeUtf8(model, f.start, f.end));
          }
        } else if (g.field === 5) {
          // TensorProto: name = 8, external_data = 13 (StringStringEntryProto key = 1, value = 2)
          for (const f of fields(model, g.start!, g.end!)) {
            if (f.field === 8 && f.wire === 2) valueNames.add(decodeUtf8(model, f.start, f.end));
            else if (f.field === 13 && f.wire === 2) {
              let key = '';
              let value = '';
              for (const e of fields(model, f.start!, f.end!)) {
                if (e.field === 1 && e.wire === 2) key = decodeUtf8(model, e.start, e.end);
                else if (e.field === 2 && e.wire === 2) value = decodeUtf8(model, e.start, e.end);
              }
              if (key === 'location') locations.add(value);
            }
          }
        } else if (g.field === 11) {
          const v = valueInfo(model, g.start!, g.end!);
          inputs.push(v);
          valueNames.add(v.name);
        } else if (g.field === 12) outputs.push(valueInfo(model, g.start!, g.end!));
      }
    }
  }
  return { irVersion, opsets, inputs, outputs, valueNames, nodeNames, externalDataLocations: [...locations] };
}

// ---------------------------------------------------------------------------------------------
// Field-level rewriting

export function varintBytes(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A length-delimited field (key + length + payload). */
export function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...varintBytes(field * 8 + 2), ...varintBytes(payload.length)]), payload]);
}

/**
 * Re-encodes the message at [start, end) with the string fields numbered `stringFields` equal to
 * `from` replaced by `to`; returns undefined when nothing matched (the caller keeps the bytes).
 */
function renameStrings(buf: Uint8Array, start: number, end: number, stringFields: readonly number[], from: string, to: string): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let changed = false;
  for (const f of fields(buf, start, end)) {
    if (f.wire === 2 && stringFields.includes(f.field) && decodeUtf8(buf, f.start, f.end) === from) {
      parts.push(lengthDelimited(f.field, encodeUtf8(to)));
      changed = true;
    } else parts.push(buf.subarray(f.keyStart, f.next));
  }
  return changed ? concat(parts) : undefined;
}

/**
 * A model's bytes with each field of its top-level graph(s) replaced by `map(field)`: bytes to
 * write instead (one or several ranges), `null` to drop it, or `undefined` to keep it. Returned
 * as consecutive ranges, mostly views into `model`, so a caller can write them out without a
 * second copy of the weights; `concat` them for one buffer.
 */
export function mapGraphFields(model: Uint8Array, map: (g: Field) => Uint8Array | readonly Uint8Array[] | null | undefined): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const m of fields(model, 0, model.length)) {
    if (m.field !== 7 || m.wire !== 2) {
      parts.push(model.subarray(m.keyStart, m.next));
      continue;
    }
    const graph: Uint8Array[] = [];
    for (const g of fields(model, m.start!, m.end!)) {
      const mapped = map(g);
      if (mapped === undefined) graph.push(model.subarray(g.keyStart, g.next));
      else if (mapped instanceof Uint8Array) graph.push(mapped);
      else if (mapped !== null) graph.push(...mapped);
    }
    const length = graph.reduce((sum, p) => sum + p.length, 0);
    parts.push(Uint8Array.from([...varintBytes(7 * 8 + 2), ...varintBytes(length)]), ...graph);
  }
  return parts;
}

/**
 * Renames value `from` to `to` in the top-level graph: node inputs and outputs, graph outputs and
 * value_info (subgraphs of control-flow nodes are not visited). Every other byte is copied.
 */
export function renameGraphValue(model: Uint8Array, from: string, to: string): Uint8Array {
  return concat(
    mapGraphFields(model, (g) => {
      let renamed: Uint8Array | undefined;
      if (g.wire === 2 && g.field === 1) renamed = renameStrings(model, g.start!, g.end!, [1, 2], from, to); // NodeProto input, output
      else if (g.wire === 2 && (g.field === 12 || g.field === 13)) renamed = renameStrings(model, g.start!, g.end!, [1], from, to); // ValueInfoProto.name
      return renamed ? lengthDelimited(g.field, renamed) : undefined;
    }),
  );
}

/**
 * The graph-extension bytes of `extension` (a ModelProto, e.g. from `encodeModel`): one `graph`
 * field holding only its nodes, initializers, outputs and value_info — no name, doc or inputs — so
 * that appending them to another model merges them into that model's graph (see the file comment).
 */
export function graphExtension(extension: Uint8Array): Uint8Array {
  const keep = new Set([1, 5, 12, 13]); // node, initializer, output, value_info
  const graph: Uint8Array[] = [];
  for (const m of fields(extension, 0, extension.length)) {
    if (m.field !== 7 || m.wire !== 2) continue;
    for (const g of fields(extension, m.start!, m.end!)) if (keep.has(g.field)) graph.push(extension.subarray(g.keyStart, g.next));
  }
  return lengthDelimited(7, concat(graph));
}
