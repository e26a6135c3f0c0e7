/**
 * The `synonymLens.*` settings, typed once. package.json `contributes.configuration` mirrors
 * `settingsSchema` below; the server pulls the section per resource with `workspace/configuration`
 * and passes whatever it gets through `normalizeSettings`, so a hand-edited settings.json with a
 * wrong type degrades to the default instead of breaking the server.
 */
import { ADAPTER_KINDS, type AdapterKind } from '../core/learn/adapter';
import { ADJUST_METHODS, type AdjustMethod } from '../core/learn/adjust';
import { LOSS_NAMES, type LossName } from '../core/learn/losses';

/** Severity names as users write them; `off` hides the diagnostic kind. */
export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** Every diagnostic kind whose severity is configurable. */
export interface SeveritySettings {
  lowSimilarity: SeveritySetting;
  negativeTooSimilar: SeveritySetting;
  duplicate: SeveritySetting;
  selfPair: SeveritySetting;
  conflictingLabel: SeveritySetting;
  unknownTerm: SeveritySetting;
  termTooLong: SeveritySetting;
}

/** Threshold overrides for one model id (bge-style models score everything high). */
export interface ModelThresholds {
  threshold?: number;
  negativeThreshold?: number;
}

export interface Settings {
  /** `builtin` or a model folder path (absolute, or relative to the workspace folder). Change → engine reload. */
  model: string;
  /** Extra globs of CSV files the client treats as synonym dictionaries (client-side). */
  files: string[];
  /** Extra vocabulary files (one term per line, or CSV) whose terms feed the hover neighbours. */
  vocabularyFiles: string[];
  diagnostics: {
    enabled: boolean;
    /** Positive pairs with cosine below this (in [-1, 1]) are flagged. */
    threshold: number;
    /** Label-0 pairs with cosine above this (in [-1, 1]) are flagged. */
    negativeThreshold: number;
    /** Per model id (as in the model status), overrides of the two thresholds. */
    modelThresholds: Record<string, ModelThresholds>;
    /** Most diagnostics published per file; past it repeated problems collapse and a summary stands for the rest. */
    maxPerFile: number;
    severity: SeveritySettings;
  };
  hover: {
    /** Neighbours listed in a hover (1–100). */
    topK: number;
  };
  suggest: {
    /**
     * Attribute words (colours, sizes, years…): two terms that differ only in them are never
     * suggested as synonyms. Added to the built-in list and the dictionary's `.attributes.txt`.
     */
    attributeTerms: string[];
  };
  inlayHints: {
    enabled: boolean;
  };
  /** Intra-op threads of the embedding engine; 0 lets the engine choose (client-side: `initializationOptions.threads`). */
  threads: number;
  /**
   * Where transformer models run: `cpu`, `cuda` (needs onnxruntime-node's CUDA binaries) or
   * `auto` (CUDA when installed, else CPU). The embedded model always runs on the CPU.
   * Client-side: `initializationOptions.executionProvider`.
   */
  executionProvider: ExecutionProvider;
  hub: {
    /** Hugging Face hub or mirror URL for downloads; empty: `HF_ENDPOINT`, else https://huggingface.co (client-side). */
    endpoint: string;
  };
  /** Defaults of the Fine-tune Model command (client-side; a command argument overrides them). */
  fineTune: {
    /** `auto`: `cosent` when the dictionary has label-0 rows, else `mnrl`. */
    loss: 'auto' | LossName;
    epochs: number;
    /** Share of training groups held out to choose the epoch count (≤ `epochs`); 0: train `epochs`. */
    validation: number;
    /** Char-n-gram models: learn shape features (docs/learning.md). */
    shapeFeatures: boolean;
    /** Transformer models: the adapter over the frozen encoder. */
    adapter: AdapterKind;
    /** After fine-tuning, adjust the dictionary's terms with the new model and store them in its folder; `none`: no table. */
    adjust: 'none' | AdjustMethod;
    /** Fine-tuned and adjusted folders kept in a dictionary's `.synonym-lens/models/` after a job (the oldest beyond are removed). */
    keepModels: number;
  };
  /** Analysis-aware diagnostics and the query expansion preview, run by a real Lucene analyzer in Java. */
  analysis: {
    enabled: boolean;
    /** Path of the `java` executable; empty: `$JAVA_HOME/bin/java`, else `java` on the PATH. */
    java: string;
    /** Lucene jar files; empty: Debian's `/usr/share/java/lucene-*-8.*.jar` when present. */
    luceneJars: string[];
    analyzer: LuceneAnalyzerName;
  };
}

/** The Lucene analyzers the analysis helper (`java/SynonymAnalysis.java`) builds by name. */
export const LUCENE_ANALYZERS = ['standard', 'english', 'cjk', 'smartcn', 'icu', 'whitespace'] as const;
export type LuceneAnalyzerName = (typeof LUCENE_ANALYZERS)[number];

/** Execution providers a user may choose for transformer models. */
export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'auto'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

function executionProvider(v: unknown, fallback: ExecutionProvider): ExecutionProvider {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  return (EXECUTION_PROVIDERS as readonly string[]).includes(s) ? (s as ExecutionProvider) : fallback;
}

export const defaultSettings: Settings = Object.freeze({
  model: 'builtin',
  files: [],
  vocabularyFiles: [],
  diagnostics: {
    enabled: true,
    threshold: 0.5,
    negativeThreshold: 0.5,
    modelThresholds: {},
    maxPerFile: 5000,
    severity: {
      lowSimilarity: 'warning',
      negativeTooSimilar: 'warning',
      duplicate: 'warning',
      selfPair: 'warning',
      conflictingLabel: 'error',
      unknownTerm: 'information',
      termTooLong: 'information',
    },
  },
  hover: { topK: 10 },
  suggest: { attributeTerms: [] },
  inlayHints: { enabled: true },
  threads: 0,
  executionProvider: 'cpu',
  hub: { endpoint: '' },
  fineTune: { loss: 'auto', epochs: 10, validation: 0.1, shapeFeatures: true, adapter: 'linear', adjust: 'none', keepModels: 5 },
  analysis: { enabled: false, java: '', luceneJars: [], analyzer: 'standard' },
}) as Settings;

/**
 * Settings an untrusted workspace may not set (package.json `restrictedConfigurations` lists the
 * same keys): they choose code and data the extension loads or fetches — a model folder, a download
 * server, files to read anywhere on the machine — or how the native runtime runs (execution
 * provider, threads), or start a program (the Java analysis helper: whether it runs, which `java`,
 * which jars on its class path). The client answers the server with their user values and ignores workspace
 * values; the server, told the workspace is untrusted, holds them to the values the client sent at
 * start (see `untrustedSettings`).
 */
export const restrictedSettingKeys = [
  'synonymLens.model',
  'synonymLens.hub.endpoint',
  'synonymLens.vocabularyFiles',
  'synonymLens.executionProvider',
  'synonymLens.threads',
  'synonymLens.analysis.enabled',
  'synonymLens.analysis.java',
  'synonymLens.analysis.luceneJars',
] as const;

/** Restricted keys relative to the `synonymLens` section, e.g. `model`, `hub.endpoint`. */
const restrictedSettings: readonly string[] = restrictedSettingKeys.map((k) => k.slice('synonymLens.'.length));

/** One item of a `workspace/configuration` request, as the client middleware sees it. */
export interface ConfigurationItemLike {
  section?: string;
  scopeUri?: string;
}

/**
 * Replaces restricted `synonymLens.*` values in a `workspace/configuration` result by their user
 * (global) values, so that an untrusted workspace cannot point the server at a model or a download
 * server of its choosing. `userValue(key)` returns the user setting or the default. Results are
 * copied, never mutated.
 */
export function restrictToUserSettings(
  items: readonly ConfigurationItemLike[],
  results: readonly unknown[],
  userValue: (key: string) => unknown,
): unknown[] {
  return results.map((result, i) => {
    const section = items[i]?.section;
    if (section === undefined || section === '') {
      if (!isRecord(result) || !isRecord(result.synonymLens)) return result;
      return { ...result, synonymLens: patch(result.synonymLens, restrictedSettings, userValue) };
    }
    if (!section.startsWith('synonymLens')) return result;
    const prefix = section === 'synonymLens' ? '' : section.slice('synonymLens.'.length);
    for (const key of restrictedSettings) if (key === prefix) return userValue(key);
    // A section above restricted keys (`synonymLens`, `synonymLens.hub`): patch the keys below it.
    const below = restrictedSettings.filter((k) => prefix === '' || k.startsWith(`${prefix}.`));
    if (!below.length || !isRecord(result)) return result;
    return patch(result, below.map((k) => (prefix === '' ? k : k.slice(prefix.length + 1))), (rel) => userValue(prefix === '' ? rel : `${prefix}.${rel}`));
  });
}

/**
 * The user values of the restricted settings, keyed relative to `synonymLens` (`model`,
 * `vocabularyFiles` …): what a client sends the server for an untrusted workspace.
 */
export type UntrustedSettings = Readonly<Record<string, unknown>>;

/** The relative keys `UntrustedSettings` has: `model`, `hub.endpoint`, `vocabularyFiles`, … */
export const restrictedRelativeKeys: readonly string[] = restrictedSettings;

/**
 * A `synonymLens` section with every restricted key replaced by its value in `held` (the server's
 * side of the restriction: whatever a configuration answer says, an untrusted workspace's
 * restricted settings are those the client sent at start). Copies; never mutates.
 */
export function holdRestrictedSettings(section: unknown, held: UntrustedSettings): unknown {
  return restrictToUserSettings([{ section: 'synonymLens' }], [isRecord(section) ? section : {}], (key) => held[key])[0];
}

/** A copy of `settings` with each dotted `key` set to `userValue(key)` (copying every object on the path). */
function patch(settings: Record<string, unknown>, keys: readonly string[], userValue: (key: string) => unknown): Record<string, unknown> {
  const copy = { ...settings };
  for (const key of keys) {
    const parts = key.split('.');
    let node = copy;
    for (const part of parts.slice(0, -1)) {
      const next = isRecord(node[part]) ? { ...(node[part] as Record<string, unknown>) } : {};
      node[part] = next;
      node = next;
    }
    node[parts[parts.length - 1]!] = userValue(key);
  }
  return copy;
}


/** One `synonymLens.*` key for package.json: these are copied into `contributes.configuration`. */
export interface SettingSchema {
  key: string;
  type: 'string' | 'number' | 'boolean' | 'array' | 'object';
  default: unknown;
  description: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  /** Whether changing it reloads the embedding model (the server does so by itself). */
  reloadsModel?: boolean;
  /** Whether it takes effect only when the language server (re)starts. */
  restartsServer?: boolean;
}

const severityEnum = ['error', 'warning', 'information', 'hint', 'off'];
const severityDescriptions: Record<keyof SeveritySettings, string> = {
  lowSimilarity: 'Severity of `low-similarity` (a positive pair below the threshold).',
  negativeTooSimilar: 'Severity of `negative-too-similar` (a label-0 pair above the negative threshold).',
  duplicate: 'Severity of `duplicate-pair` and `reversed-duplicate-pair`.',
  selfPair: 'Severity of `self-pair` (a term paired with itself).',
  conflictingLabel: 'Severity of `conflicting-label` (the same pair labelled 1 and 0).',
  unknownTerm: 'Severity of `unknown-term` (the model knows none of the term\'s units).',
  termTooLong: 'Severity of `term-too-long` (the term is truncated to the model\'s input length).',
};

export const settingsSchema: readonly SettingSchema[] = [
  {
    key: 'synonymLens.model',
    type: 'string',
    default: 'builtin',
    description:
      'Embedding model: `builtin`, the path of a model folder (absolute or relative to the workspace folder), or a Hugging Face id `org/name` downloaded with **Select Embedding Model…**. Changing it reloads the model. Ignored from workspace settings in an untrusted workspace.',
    reloadsModel: true,
  },
  {
    key: 'synonymLens.files',
    type: 'array',
    default: [],
    description: 'Extra glob patterns of CSV files opened as synonym dictionaries (besides `*.synonyms.csv`). Changing it restarts the language server.',
    restartsServer: true,
  },
  {
    key: 'synonymLens.vocabularyFiles',
    type: 'array',
    default: [],
    description: 'Extra vocabulary files (one term per line, or CSV whose cells are terms) whose terms are offered as hover neighbours. Relative paths resolve against the workspace folder. Ignored from workspace settings in an untrusted workspace.',
  },
  {
    key: 'synonymLens.diagnostics.enabled',
    type: 'boolean',
    default: true,
    description: 'Report diagnostics for synonym dictionaries.',
  },
  {
    key: 'synonymLens.diagnostics.threshold',
    type: 'number',
    default: 0.5,
    minimum: -1,
    maximum: 1,
    description: 'Positive pairs whose cosine similarity is below this value are flagged.',
  },
  {
    key: 'synonymLens.diagnostics.negativeThreshold',
    type: 'number',
    default: 0.5,
    minimum: -1,
    maximum: 1,
    description: 'Negative (label 0) pairs whose cosine similarity is above this value are flagged.',
  },
  {
    key: 'synonymLens.diagnostics.modelThresholds',
    type: 'object',
    default: {},
    description: 'Per model id (as shown in the status), overrides of `threshold` and `negativeThreshold`, e.g. `{ "bge-small-zh-v1.5": { "threshold": 0.75 } }`.',
  },
  {
    key: 'synonymLens.diagnostics.maxPerFile',
    type: 'number',
    default: 5000,
    minimum: 10,
    maximum: 1000000,
    description: 'Most diagnostics shown per file. Beyond it, a problem repeated on many rows is shown once with the number of rows, and one summary diagnostic says how many more there are and how to list them all.',
  },
  ...(Object.keys(severityDescriptions) as (keyof SeveritySettings)[]).map(
    (k): SettingSchema => ({
      key: `synonymLens.diagnostics.severity.${k}`,
      type: 'string',
      enum: severityEnum,
      default: defaultSettings.diagnostics.severity[k],
      description: severityDescriptions[k],
    }),
  ),
  {
    key: 'synonymLens.hover.topK',
    type: 'number',
    default: 10,
    minimum: 1,
    maximum: 100,
    description: 'Number of nearest neighbours shown when hovering a term.',
  },
  {
    key: 'synonymLens.suggest.attributeTerms',
    type: 'array',
    default: [],
    description:
      "Attribute words (colours, sizes, years…) for **Suggest Synonyms…**: two terms that differ only in such words (`red bike`, `blue bike`) are never suggested as synonyms. Added to the built-in list and to the words of the dictionary's `<name>.attributes.txt` beside it.",
  },
  {
    key: 'synonymLens.inlayHints.enabled',
    type: 'boolean',
    default: true,
    description: 'Show each pair\'s cosine similarity as an inlay hint after its synonym.',
  },
  {
    key: 'synonymLens.threads',
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: 64,
    description: "Threads the embedding model may use (`0`: automatic — one for the embedded model, whose small operations run slower on two, and onnxruntime's choice for transformer models). Takes effect when the language server restarts. Ignored from workspace settings in an untrusted workspace.",
    restartsServer: true,
  },
  {
    key: 'synonymLens.executionProvider',
    type: 'string',
    default: 'cpu',
    enum: [...EXECUTION_PROVIDERS],
    description: 'Where transformer models run: `cpu`, `cuda` (an NVIDIA GPU; needs onnxruntime-node installed with its CUDA binaries) or `auto` (CUDA when available, else CPU). The embedded model always runs on the CPU. Takes effect when the language server restarts. Ignored from workspace settings in an untrusted workspace.',
    restartsServer: true,
  },
  {
    key: 'synonymLens.hub.endpoint',
    type: 'string',
    default: '',
    description: 'Hugging Face hub or mirror used by **Select Embedding Model… → Download from Hugging Face**, e.g. `https://hf-mirror.com`. Empty: the `HF_ENDPOINT` environment variable, else `https://huggingface.co`. Ignored from workspace settings in an untrusted workspace.',
  },
  {
    key: 'synonymLens.fineTune.loss',
    type: 'string',
    default: 'auto',
    enum: ['auto', ...LOSS_NAMES],
    description: 'Loss of **Fine-tune Model**: `auto` (`cosent` when the dictionary has label-0 rows, else `mnrl`), `cosine` (sentence-transformers CosineSimilarityLoss, the classic recipe), `mnrl`, `cosent` or `contrastive`.',
  },
  {
    key: 'synonymLens.fineTune.epochs',
    type: 'number',
    default: 10,
    minimum: 1,
    maximum: 1000,
    description: 'Passes over the training pairs in **Fine-tune Model**.',
  },
  {
    key: 'synonymLens.fineTune.validation',
    type: 'number',
    default: 0.1,
    minimum: 0,
    maximum: 0.5,
    description: 'Share of the training pairs\' synonym groups that **Fine-tune Model** holds out to choose the number of epochs (at most `#synonymLens.fineTune.epochs#`, stopping early once the held-out AUC stops rising); the model is then trained on every training pair for that many epochs. `0` trains for all the epochs.',
  },
  {
    key: 'synonymLens.fineTune.shapeFeatures',
    type: 'boolean',
    default: true,
    description: 'When fine-tuning the embedded model, also learn rows for a term\'s form (its number of characters and n-grams, and whether it is written with a capital): they carry over to terms not in the dictionary.',
  },
  {
    key: 'synonymLens.fineTune.adapter',
    type: 'string',
    default: 'linear',
    enum: [...ADAPTER_KINDS],
    description: 'When fine-tuning a transformer model: a `linear` residual adapter over its frozen encoder, or a one-hidden-layer residual `mlp`.',
  },
  {
    key: 'synonymLens.fineTune.adjust',
    type: 'string',
    default: 'none',
    enum: ['none', ...ADJUST_METHODS],
    description: 'After **Fine-tune Model**, also adjust the vectors of the dictionary\'s terms as the new model embeds them (`seed`, `retrofit` or `counterfit`) and store them in the new model\'s folder, which then answers those terms from them. `none`: the folder holds the fine-tuned model only.',
  },
  {
    key: 'synonymLens.analysis.enabled',
    type: 'boolean',
    default: false,
    description: "Analysis-aware diagnostics: run each rule's terms through a real Lucene analyzer (Java) and flag multi-token terms, stop words, rules that collapse to the same tokens and rules that change nothing. Needs a JDK and the Lucene jars (`analysis.java`, `analysis.luceneJars`). Ignored from workspace settings in an untrusted workspace.",
  },
  {
    key: 'synonymLens.analysis.java',
    type: 'string',
    default: '',
    description: "Path of the `java` executable (Java 11 or later) that runs the analysis helper. Empty: `$JAVA_HOME/bin/java`, else `java` on the PATH. Ignored from workspace settings in an untrusted workspace.",
  },
  {
    key: 'synonymLens.analysis.luceneJars',
    type: 'array',
    default: [],
    description: "Lucene 8 jar files for the analysis helper (`lucene-core`, `lucene-analyzers-common`, and `lucene-analyzers-smartcn` or `-icu` with `icu4j` for those analyzers). Empty: Debian's `/usr/share/java/lucene-*-8.*.jar` (package `liblucene8-java`) when present. Ignored from workspace settings in an untrusted workspace.",
  },
  {
    key: 'synonymLens.analysis.analyzer',
    type: 'string',
    default: 'standard',
    enum: [...LUCENE_ANALYZERS],
    description: "The analyzer your index uses for the synonym field: `standard`, `english` (standard with English stop words and stemming), `cjk` (CJK bigrams), `smartcn` (Chinese words), `icu` (ICU tokenizer and folding; needs `icu4j`) or `whitespace`.",
  },
  {
    key: 'synonymLens.fineTune.keepModels',
    type: 'number',
    default: 5,
    minimum: 1,
    maximum: 1000,
    description: "How many fine-tuned and adjusted model folders **Fine-tune Model** and **Adjust Vectors** keep in a dictionary's `.synonym-lens/models/` folder: after writing a new one, the oldest beyond this number are removed (never the model `#synonymLens.model#` names). **Synonym Lens: Clean Up Fine-tuned Models…** removes them on request.",
  },
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads `path` from a raw settings object. VS Code hands nested objects for dotted keys, but a
 * client may also send flat dotted keys (`"diagnostics.threshold": 0.4`); both are accepted.
 */
function pick(raw: Record<string, unknown>, path: string): unknown {
  if (path in raw) return raw[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  const head = raw[path.slice(0, dot)];
  return isRecord(head) ? pick(head, path.slice(dot + 1)) : undefined;
}

function num(v: unknown, fallback: number, min: number, max: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : fallback;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return v.trim() ? [v.trim()] : [];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()) : [];
}

/** An http(s) URL without trailing slashes, or '' (anything else falls back to ''). */
function endpoint(v: unknown): string {
  const s = str(v, '');
  return /^https?:\/\/[^\s/]+(\/\S*)?$/i.test(s) ? s.replace(/\/+$/, '') : '';
}

function severity(v: unknown, fallback: SeveritySetting): SeveritySetting {
  if (typeof v !== 'string') return fallback;
  const s = v.trim().toLowerCase();
  if (s === 'info') return 'information';
  if (s === 'none' || s === 'ignore') return 'off';
  return (severityEnum as string[]).includes(s) ? (s as SeveritySetting) : fallback;
}

function thresholds(v: unknown): Record<string, ModelThresholds> {
  const out: Record<string, ModelThresholds> = {};
  if (!isRecord(v)) return out;
  for (const [id, t] of Object.entries(v)) {
    if (!isRecord(t)) continue;
    const entry: ModelThresholds = {};
    if (typeof t.threshold === 'number' && Number.isFinite(t.threshold)) entry.threshold = num(t.threshold, 0.5, -1, 1);
    if (typeof t.negativeThreshold === 'number' && Number.isFinite(t.negativeThreshold)) {
      entry.negativeThreshold = num(t.negativeThreshold, 0.5, -1, 1);
    }
    out[id] = entry;
  }
  return out;
}

/**
 * Turns whatever a client sent for the `synonymLens` section (possibly null, partial, mistyped)
 * into complete settings. Never throws; out-of-range numbers are clamped.
 */
export function normalizeSettings(raw: unknown): Settings {
  const r = isRecord(raw) ? raw : {};
  const d = defaultSettings;
  const sev = {} as SeveritySettings;
  for (const k of Object.keys(d.diagnostics.severity) as (keyof SeveritySettings)[]) {
    sev[k] = severity(pick(r, `diagnostics.severity.${k}`), d.diagnostics.severity[k]);
  }
  return {
    model: str(pick(r, 'model'), d.model),
    files: strings(pick(r, 'files')),
    vocabularyFiles: strings(pick(r, 'vocabularyFiles')),
    diagnostics: {
      enabled: bool(pick(r, 'diagnostics.enabled'), d.diagnostics.enabled),
      threshold: num(pick(r, 'diagnostics.threshold'), d.diagnostics.threshold, -1, 1),
      negativeThreshold: num(pick(r, 'diagnostics.negativeThreshold'), d.diagnostics.negativeThreshold, -1, 1),
      modelThresholds: thresholds(pick(r, 'diagnostics.modelThresholds')),
      maxPerFile: Math.round(num(pick(r, 'diagnostics.maxPerFile'), d.diagnostics.maxPerFile, 10, 1_000_000)),
      severity: sev,
    },
    hover: { topK: Math.round(num(pick(r, 'hover.topK'), d.hover.topK, 1, 100)) },
    suggest: { attributeTerms: strings(pick(r, 'suggest.attributeTerms')) },
    inlayHints: { enabled: bool(pick(r, 'inlayHints.enabled'), d.inlayHints.enabled) },
    threads: Math.round(num(pick(r, 'threads'), d.threads, 0, 64)),
    executionProvider: executionProvider(pick(r, 'executionProvider'), d.executionProvider),
    hub: { endpoint: endpoint(pick(r, 'hub.endpoint')) },
    fineTune: {
      loss: oneOf(pick(r, 'fineTune.loss'), ['auto', ...LOSS_NAMES] as const, d.fineTune.loss),
      epochs: Math.round(num(pick(r, 'fineTune.epochs'), d.fineTune.epochs, 1, 1000)),
      validation: num(pick(r, 'fineTune.validation'), d.fineTune.validation, 0, 0.5),
      shapeFeatures: bool(pick(r, 'fineTune.shapeFeatures'), d.fineTune.shapeFeatures),
      adapter: oneOf(pick(r, 'fineTune.adapter'), ADAPTER_KINDS, d.fineTune.adapter),
      adjust: oneOf(pick(r, 'fineTune.adjust'), ['none', ...ADJUST_METHODS] as const, d.fineTune.adjust),
      keepModels: Math.round(num(pick(r, 'fineTune.keepModels'), d.fineTune.keepModels, 1, 1000)),
    },
    analysis: {
      enabled: bool(pick(r, 'analysis.enabled'), d.analysis.enabled),
      java: str(pick(r, 'analysis.java'), d.analysis.java),
      luceneJars: strings(pick(r, 'analysis.luceneJars')),
      analyzer: oneOf(pick(r, 'analysis.analyzer'), LUCENE_ANALYZERS, d.analysis.analyzer),
    },
  };
}

/** The thresholds in force for a model: its override from `modelThresholds`, else the general ones. */
export function thresholdsFor(settings: Settings, modelId: string | undefined): { threshold: number; negativeThreshold: number } {
  const o = (modelId && settings.diagnostics.modelThresholds[modelId]) || {};
  return {
    threshold: o.threshold ?? settings.diagnostics.threshold,
    negativeThreshold: o.negativeThreshold ?? settings.diagnostics.negativeThreshold,
  };
}
