/**
 * Known models and the choices their authors document (pooling, prefix, length). A preset applies
 * when the model's repository id (from the HF cache path, our download metadata or config.json's
 * `_name_or_path`) ends with the preset's name; explicit options and a sentence-transformers
 * `1_Pooling/config.json` take precedence.
 */

/** How token states become one vector. `model` = the graph already outputs `sentence_embedding`. */
export type Pooling = 'cls' | 'mean' | 'max' | 'last' | 'model';

export interface ModelPreset {
  /** Canonical repository id (the model card's). */
  readonly repo: string;
  /** Repositories with ready-made ONNX exports of the same weights (tried by `model download`). */
  readonly onnxRepos: readonly string[];
  readonly pooling: Exclude<Pooling, 'model'>;
  /** Text prepended to every term, e.g. e5's `query: ` for symmetric similarity. */
  readonly prefix: string;
  /** Sensible maximum tokens for dictionary terms (the model may accept more). */
  readonly maxLength: number;
  readonly note: string;
}

export const PRESETS: readonly ModelPreset[] = [
  {
    repo: 'BAAI/bge-m3',
    onnxRepos: ['BAAI/bge-m3', 'Xenova/bge-m3'],
    pooling: 'cls',
    prefix: '',
    maxLength: 8192,
    note: 'XLM-R large (568M parameters, 1024 dimensions), Unigram tokenizer; dense vectors use the [CLS] state. The fp32 export needs external data (model.onnx_data, ~2.2 GB).',
  },
  {
    repo: 'BAAI/bge-small-zh-v1.5',
    onnxRepos: ['Xenova/bge-small-zh-v1.5', 'BAAI/bge-small-zh-v1.5'],
    pooling: 'cls',
    prefix: '',
    maxLength: 512,
    note: 'BERT (4 layers, 512 dimensions), bert-base-chinese WordPiece vocabulary; [CLS] pooling. The query instruction is for retrieval only, so terms get no prefix.',
  },
  {
    repo: 'intfloat/multilingual-e5-small',
    onnxRepos: ['Xenova/multilingual-e5-small', 'intfloat/multilingual-e5-small'],
    pooling: 'mean',
    prefix: 'query: ',
    maxLength: 512,
    note: 'XLM-R-based (12 layers, 384 dimensions); mean pooling; the model card asks for `query: ` on both sides of symmetric tasks such as synonymy.',
  },
  {
    repo: 'sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2',
    onnxRepos: ['Xenova/paraphrase-multilingual-MiniLM-L12-v2', 'sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2'],
    pooling: 'mean',
    prefix: '',
    maxLength: 128,
    note: 'BERT-architecture MiniLM with the XLM-R Unigram vocabulary (384 dimensions); mean pooling; trained on sequences of up to 128 tokens.',
  },
];

/** The preset whose repository (or one of its ONNX mirrors) matches `repoId`, ignoring case. */
export function findPreset(repoId: string | undefined): ModelPreset | undefined {
  if (!repoId) return undefined;
  const name = repoId.toLowerCase().split('/').pop();
  return PRESETS.find((p) => [p.repo, ...p.onnxRepos].some((r) => r.toLowerCase() === repoId.toLowerCase()) || p.repo.toLowerCase().split('/').pop() === name);
}
