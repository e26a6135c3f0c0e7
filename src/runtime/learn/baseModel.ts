/**
 * Reads the base of a fine-tuning run: a char-n-gram model folder (the embedded model, or a folder
 * fine-tuned from it) as its featuriser config and embedding table — and, for a `char-ngram-v2`
 * folder, its lexicon half (word list, int8 meaning table and scales, kept byte for byte so the
 * fine-tuned folder carries them unchanged). (Transformer folders take the adapter path in
 * pipeline.ts and never come here.) Runs inside the training worker, so it reads files and parses
 * `model.onnx` itself instead of opening an onnxruntime session.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CHAR_NGRAM_MODEL_TYPE, parseCharNgramConfig, type CharNgramModelConfig } from '../../core/builtin/featurizer';
import { parseLexiconVocabulary } from '../../core/builtin/lexicon';
import type { LexiconHalf } from '../../core/builtin/modelV2';
import { ADJUSTED_MODEL_TYPE } from '../model/adjusted';

export interface CharNgramBase {
  dir: string;
  id: string;
  /** Same hash as the engine's (`builtinFingerprint`): sha256 of model.onnx, NUL, the config JSON. */
  fingerprint: string;
  config: CharNgramModelConfig;
  /** [buckets × dimension], row-major. */
  table: Float32Array;
  /** The lexicon half of a v2 base (frozen in training), with `lexicon.txt`'s text as read. */
  lexicon?: LexiconHalf & { readonly words: string };
}

/** Thrown when the base model is not one fine-tuning can train (an adjusted-vector folder, …). */
export class UnsupportedBaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedBaseError';
  }
}

/** Reads a char-n-gram folder; `id` `builtin` becomes `builtin:<version>` as the engine names it. */
export function readCharNgramBase(dir: string, id: string): CharNgramBase {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`Cannot read the base model's config.json in ${dir}: ${(e as Error).message}`);
  }
  if (json.model_type === ADJUSTED_MODEL_TYPE) {
    const base = typeof json.base_model === 'string' ? json.base_model : 'its base model';
    throw new UnsupportedBaseError(
      `${path.basename(dir)} holds adjusted vectors over ${base}, not a model that can be trained; fine-tune ${base === 'builtin' ? 'the embedded model' : base} instead.`,
    );
  }
  if (json.model_type !== CHAR_NGRAM_MODEL_TYPE) {
    throw new UnsupportedBaseError(
      `Fine-tuning trains char-n-gram models (the embedded one or a copy fine-tuned from it) and transformer folders (with tokenizer.json); ${dir} is neither (config.json has model_type ${JSON.stringify(json.model_type ?? null)}).`,
    );
  }
  const config = parseCharNgramConfig(json.featurizer);
  const bytes = readFileSync(path.join(dir, 'model.onnx'));
  const fingerprint = createHash('sha256').update(bytes).update('\u0000').update(JSON.stringify(config)).digest('hex');
  const table = readFloatInitializer(bytes, 'table');
  if (!table) throw new Error(`${path.join(dir, 'model.onnx')} has no float32 initializer "table"`);
  if (table.length !== config.buckets * config.dimension) {
    throw new Error(`${path.join(dir, 'model.onnx')}: table has ${table.length} values, config.json says ${config.buckets} × ${config.dimension}`);
  }
  const lexicon = config.lexicon ? readLexiconHalf(dir, bytes, config) : undefined;
  return { dir, id: id === 'builtin' ? `builtin:${config.version}` : id, fingerprint, config, table, ...(lexicon ? { lexicon } : {}) };
}

/** The lexicon half of a v2 folder: `lexicon.txt` and the graph's `lexicon_int8` / `lexicon_scale`, checked against the config. */
function readLexiconHalf(dir: string, model: Uint8Array, config: CharNgramModelConfig): LexiconHalf & { words: string } {
  const lexicon = config.lexicon!;
  const file = path.join(dir, 'model.onnx');
  const values = readInitializer(model, 'lexicon_int8', ONNX_INT8);
  const scales = readFloatInitializer(model, 'lexicon_scale');
  if (!values || !scales) throw new Error(`${file} has no int8 "lexicon_int8" and float32 "lexicon_scale" initializers, though config.json describes a lexicon half`);
  if (values.length !== lexicon.rows * lexicon.dimension || scales.length !== lexicon.rows)
    throw new Error(`${file}: the lexicon table has ${values.length} values and ${scales.length} scales, config.json says ${lexicon.rows} × ${lexicon.dimension}`);
  let words: string;
  try {
    words = readFileSync(path.join(dir, 'lexicon.txt'), 'utf8');
  } catch (e) {
    throw new Error(`Cannot read the base model's lexicon.txt in ${dir}: ${(e as Error).message}`);
  }
  const meaning = { rows: lexicon.rows, dimension: lexicon.dimension, values: new Int8Array(values.buffer, values.byteOffset, values.byteLength), scales };
  return { config: lexicon, vocab: parseLexiconVocabulary(words, lexicon.rows), meaning, words };
}

// ---------------------------------------------------------------------------------------------
// A minimal ONNX (protobuf) reader: just enough to find one float32 initializer's raw_data.
// Field numbers from onnx.proto: ModelProto.graph = 7, GraphProto.initializer = 5,
// TensorProto.data_type = 2 (FLOAT = 1), name = 8, raw_data = 9, float_data = 4 (packed).

interface Field {
  field: number;
  wire: number;
  /** Varint value (wire 0). */
  value?: number;
  /** Byte range (wire 2). */
  start?: number;
  end?: number;
}

function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { field, wire, value: varint() };
    else if (wire === 2) {
      const len = varint();
      yield { field, wire, start: pos, end: pos + len };
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

const ONNX_FLOAT = 1;
const ONNX_INT8 = 3;

/** The float32 values of the named initializer of an ONNX model, or undefined. */
export function readFloatInitializer(model: Uint8Array, name: string): Float32Array | undefined {
  const bytes = readInitializer(model, name, ONNX_FLOAT);
  if (!bytes) return undefined;
  // ONNX stores little-endian floats.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** A copy of the raw bytes of the named initializer of an ONNX model when it has `dataType`, or undefined. */
export function readInitializer(model: Uint8Array, name: string, dataType: number): Uint8Array | undefined {
  const decoder = new TextDecoder();
  for (const g of fields(model, 0, model.length)) {
    if (g.field !== 7 || g.wire !== 2) continue;
    for (const init of fields(model, g.start!, g.end!)) {
      if (init.field !== 5 || init.wire !== 2) continue;
      let tensorName: string | undefined;
      let type = 0;
      let raw: [number, number] | undefined;
      for (const f of fields(model, init.start!, init.end!)) {
        if (f.field === 8 && f.wire === 2) tensorName = decoder.decode(model.subarray(f.start, f.end));
        else if (f.field === 2 && f.wire === 0) type = f.value!;
        else if ((f.field === 9 || f.field === 4) && f.wire === 2) raw = [f.start!, f.end!];
      }
      if (tensorName !== name || type !== dataType || !raw) continue;
      return model.slice(raw[0], raw[1]);
    }
  }
  return undefined;
}
