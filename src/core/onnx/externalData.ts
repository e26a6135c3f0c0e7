/**
 * Writes ONNX models whose large initializers live in an external data file (`model.onnx` +
 * `model.onnx_data`), the layout Optimum and transformers.js use for models over 2 GiB (bge-m3).
 *
 * `writer.ts` always embeds `raw_data`; rather than fork it, this file encodes the small remainder
 * with `encodeModel` and appends a second `graph` field holding only the external initializers.
 * Protobuf parsers merge repeated occurrences of a singular message field (repeated fields inside
 * are concatenated), so onnxruntime reads one graph with all initializers. Only the external
 * TensorProtos are encoded here (field numbers from onnx.proto).
 */
import { encodeModel, ONNX_DATA_TYPE, type ModelSpec, type TensorSpec } from './writer';
import { encodeUtf8 } from '../utf8';

/** Result of `encodeModelWithExternalData`: the `.onnx` bytes and the external data file's bytes. */
export interface ExternalDataModel {
  readonly model: Uint8Array;
  readonly data: Uint8Array;
  /** Names of the initializers moved to the data file. */
  readonly externalNames: readonly string[];
}

export interface ExternalDataOptions {
  /** File name of the data file, relative to the model file (e.g. `model.onnx_data`). */
  readonly location: string;
  /** Initializers of at least this many bytes go external (default 1024). */
  readonly thresholdBytes?: number;
  /** Offsets in the data file are aligned to this many bytes (default 64, as onnx does for mmap). */
  readonly alignment?: number;
}

class Bytes {
  readonly out: number[] = [];
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint out of range: ${v}`);
    while (v >= 0x80) {
      this.out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.out.push(v);
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  uint(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array | readonly number[]): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.out.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, encodeUtf8(s));
  }
}

function tensorByteLength(t: TensorSpec): number {
  return t.data.byteLength;
}

function externalTensor(t: TensorSpec, location: string, offset: number, length: number): number[] {
  const w = new Bytes();
  for (const d of t.dims) w.uint(1, d); // dims
  w.uint(2, ONNX_DATA_TYPE[t.dataType]); // data_type
  w.string(8, t.name); // name
  const entry = (key: string, value: string) => new Bytes().string(1, key).string(2, value).out;
  w.bytes(13, entry('location', location)); // external_data
  w.bytes(13, entry('offset', String(offset)));
  w.bytes(13, entry('length', String(length)));
  w.uint(14, 1); // data_location = EXTERNAL
  return w.out;
}

/**
 * Encodes `spec` with every initializer of `thresholdBytes` or more moved to an external data
 * file. Tensor data is written little-endian as stored (the host is assumed little-endian, as
 * onnxruntime's own external-data reader assumes).
 */
export function encodeModelWithExternalData(spec: ModelSpec, options: ExternalDataOptions): ExternalDataModel {
  const threshold = options.thresholdBytes ?? 1024;
  const alignment = options.alignment ?? 64;
  const all = spec.graph.initializers ?? [];
  const external = all.filter((t) => tensorByteLength(t) >= threshold);
  const internal = all.filter((t) => tensorByteLength(t) < threshold);
  const head = encodeModel({ ...spec, graph: { ...spec.graph, initializers: internal } });

  let size = 0;
  const placed: { t: TensorSpec; offset: number }[] = [];
  for (const t of external) {
    size = Math.ceil(size / alignment) * alignment;
    placed.push({ t, offset: size });
    size += tensorByteLength(t);
  }
  const data = new Uint8Array(size);
  const graph = new Bytes();
  for (const { t, offset } of placed) {
    data.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset);
    graph.bytes(5, externalTensor(t, options.location, offset, tensorByteLength(t))); // GraphProto.initializer
  }
  const tail = new Bytes().bytes(7, graph.out).out; // ModelProto.graph, merged into the first
  const model = new Uint8Array(head.length + tail.length);
  model.set(head, 0);
  model.set(tail, head.length);
  return { model, data, externalNames: external.map((t) => t.name) };
}
