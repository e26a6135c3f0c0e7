/**
 * The built-in model's featuriser: text → hashed character n-gram features.
 *
 * Pipeline (see docs/models.md):
 * 1. NFKC, then lower-case (so `ＳＵＶ` = `SUV` = `suv`).
 * 2. Split into runs. CJK characters (Han, Hiragana, Katakana incl. `ー`, Hangul) form CJK runs;
 *    letters, digits and combining marks of other scripts form words; everything else
 *    (spaces, punctuation, symbols, emoji) separates runs and yields no feature.
 * 3. A CJK run yields its character 1–3-grams. A word yields `<word>` and the character
 *    3–5-grams of `<word>` (fastText style; `<suv>` appears twice for `suv`, once as the whole word
 *    and once as a 5-gram — duplicates just repeat, which weights short words' identity).
 * 4. Each feature string is hashed with FNV-1a (32-bit, over its UTF-8 bytes) into `buckets`.
 * 5. Mean pooling: every feature weighs 1/n — or α_kind/n when the config has `orderWeights` (a
 *    fine-tuned model's learned weight per n-gram order, see `featureKind`).
 *
 * Pure TS with no DOM or node types, so the webview and the CLI can featurise too.
 */
import { parseLexiconConfig, type LexiconConfig } from './lexicon';
import { charClass, CJK_CHAR, nextRun } from './charClass';

/** Parameters of the built-in char-n-gram model; written to the model folder's `config.json`. */
export interface CharNgramModelConfig {
  /** Version of the featuriser + weight recipe; bump when any output changes. */
  readonly version: string;
  /** Number of hash buckets = rows of the embedding table. */
  readonly buckets: number;
  /** Embedding dimension = columns of the embedding table. */
  readonly dimension: number;
  /** Seed of the PRNG that draws the table (N(0, 1/dimension)). */
  readonly seed: number;
  /** Inclusive [min, max] character n-gram orders inside a CJK run. */
  readonly cjkNgrams: readonly [number, number];
  /** Inclusive [min, max] character n-gram orders of `<word>` for other words. */
  readonly wordNgrams: readonly [number, number];
  /** Features kept per text; later ones are dropped and the text is reported truncated. */
  readonly maxFeatures: number;
  /**
   * Optional pooling weight per feature kind (`featureKindCount` entries, indexed as `featureKind`):
   * a feature of kind o weighs α_o/n instead of 1/n. Absent in the shipped model (every α = 1);
   * fine-tuning learns them (docs/learning.md). Finite, ≥ 0, not all 0.
   */
  readonly orderWeights?: readonly number[];
  /**
   * Optional shape features: for each n-gram kind o present in a text, one more feature
   * `shapeFeature(o, n_o)` (hashed like any other; n_o the text's count of kind-o features, capped
   * at 8) with weight α_shape · n_o/n. A CJK word of 4 characters has (4, 3, 2) 1/2/3-grams, an
   * English word of 6 letters six 3-grams…, so these features encode the term's form — length,
   * script, number of words — not its characters. Fine-tuning learns their rows (started at zero),
   * so what synonyms share in form applies to unseen terms too. Absent in the shipped model.
   */
  readonly shapeFeatures?: boolean;
  /**
   * Optional case feature (needs `shapeFeatures`; of the shape kind): one more feature saying
   * whether the text, before lower-casing, has a capital letter (`caseFeature(true)`) or only
   * lower-case letters (`caseFeature(false)`); a text without cased letters (Chinese, digits) has
   * none. Weight α_shape · n_word/n, n_word the text's count of word n-grams. Lower-casing makes
   * `Borneo` and `borneo` one term, but whether a term is written with capitals (a proper name, a
   * Latin genus) is form its synonyms tend to share. Learned from zero like the shape rows.
   */
  readonly caseFeature?: boolean;
  /**
   * The lexicon (meaning) half of `char-ngram-v2` (lexicon.ts, modelV2.ts); absent in v1 models.
   * Its word list is the model folder's `lexicon.txt`.
   */
  readonly lexicon?: LexiconConfig;
}

/** The shipped default. 32768 × 128 fp32 = 16 MiB table; see docs/models.md for the measurements. */
export const BUILTIN_MODEL_CONFIG: CharNgramModelConfig = Object.freeze({
  version: 'char-ngram-v1',
  buckets: 32768,
  dimension: 128,
  seed: 20261129,
  cjkNgrams: Object.freeze([1, 3]) as readonly [number, number],
  wordNgrams: Object.freeze([3, 5]) as readonly [number, number],
  maxFeatures: 256,
});

/** Model type written to `config.json` (`model_type`, the key Hugging Face folders use too). */
export const CHAR_NGRAM_MODEL_TYPE = 'synonym-lens-char-ngram';

/** Feature strings of one text, before hashing. */
export interface FeatureStrings {
  readonly features: string[];
  /** True when more than `maxFeatures` features were produced and the rest dropped. */
  readonly truncated: boolean;
}

/** Hashed features of one text: parallel arrays of bucket ids, pooling weights and kinds. */
export interface Featurized {
  /** Bucket ids in [0, buckets), in feature order; length n ≤ maxFeatures. */
  readonly ids: Uint32Array;
  /** Pooling weights: 1/n each (they sum to 1 unless n = 0), or α_kind/n with `orderWeights`. */
  readonly weights: Float32Array;
  /** Kind of each feature (`featureKind`), parallel to `ids`. */
  readonly kinds: Uint8Array;
  readonly truncated: boolean;
}

/**
 * Number of feature kinds of `config`: one per CJK n-gram order, one per word n-gram order, and
 * the whole `<word>`. For the shipped config 7: CJK 1-, 2-, 3-grams; word 3-, 4-, 5-grams; `<word>`.
 */
export function featureKindCount(config: CharNgramModelConfig): number {
  return ngramKindCount(config) + (config.shapeFeatures ? 1 : 0);
}

/** Kinds of n-gram features (without the shape kind). */
function ngramKindCount(config: CharNgramModelConfig): number {
  return config.cjkNgrams[1] - config.cjkNgrams[0] + 1 + (config.wordNgrams[1] - config.wordNgrams[0] + 1) + 1;
}

/** Counts of one kind above this share one shape feature. */
export const SHAPE_COUNT_CAP = 8;

/**
 * The feature string of the shape feature of a text with `count` features of n-gram kind `kind`
 * (count capped at `SHAPE_COUNT_CAP`). NUL never occurs in an n-gram, so no n-gram string equals it.
 */
export function shapeFeature(kind: number, count: number): string {
  return `\u0000k${kind}:${Math.min(count, SHAPE_COUNT_CAP)}`;
}

/** The feature string of the case feature (`CharNgramModelConfig.caseFeature`). */
export function caseFeature(capitalised: boolean): string {
  return capitalised ? '\u0000case:U' : '\u0000case:l';
}

const UPPER = /[\p{Lu}\p{Lt}]/u;
const LOWER = /\p{Ll}/u;

/**
 * Kind index in [0, featureKindCount) of an n-gram: CJK orders first, then word orders, then the
 * whole word. `n` is the order in code points (including `<`/`>` for words).
 */
export function featureKind(config: CharNgramModelConfig, script: 'cjk' | 'word' | 'whole' | 'shape', n = 0): number {
  const nCjk = config.cjkNgrams[1] - config.cjkNgrams[0] + 1;
  if (script === 'cjk') return n - config.cjkNgrams[0];
  const nWord = config.wordNgrams[1] - config.wordNgrams[0] + 1;
  if (script === 'shape') return nCjk + nWord + 1;
  return script === 'word' ? nCjk + n - config.wordNgrams[0] : nCjk + nWord;
}

/** Human-readable names of the feature kinds, indexed as `featureKind` (reports, docs). */
export function featureKindNames(config: CharNgramModelConfig): string[] {
  const names: string[] = [];
  for (let n = config.cjkNgrams[0]; n <= config.cjkNgrams[1]; n++) names.push(`cjk-${n}`);
  for (let n = config.wordNgrams[0]; n <= config.wordNgrams[1]; n++) names.push(`word-${n}`);
  names.push('word');
  if (config.shapeFeatures) names.push('shape');
  return names;
}

/** Normalises a text as the featuriser sees it: NFKC, then lower-case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * Extracts the feature strings of `text` (see the module comment for the rules).
 * Characters are code points, so astral Han (CJK Extension B…) counts as one character.
 */
export function extractFeatures(text: string, config: CharNgramModelConfig = BUILTIN_MODEL_CONFIG): FeatureStrings {
  const { features, truncated } = scanFeatures(text, config);
  return { features, truncated };
}

/** `extractFeatures` plus the kind (`featureKind`) of each feature. */
function scanFeatures(text: string, config: CharNgramModelConfig): FeatureStrings & { kinds: number[] } {
  const s = normalizeText(text);
  const features: string[] = [];
  const kinds: number[] = [];
  const max = config.maxFeatures;
  const wordKind0 = featureKind(config, 'word', config.wordNgrams[0]);
  const wholeKind = featureKind(config, 'whole');
  // UTF-16 offsets of the code points of the current run (plus its end), reused across runs.
  const offs: number[] = [];

  // Pushes the n-grams (minN ≤ n ≤ maxN) of `str`, whose code points start at offs[0..m-1] and
  // which ends at offs[m]; returns false once the cap is hit.
  // Kinds of the n-grams are kind0 + n − minN.
  const emitGrams = (str: string, m: number, minN: number, maxN: number, kind0: number): boolean => {
    for (let start = 0; start < m; start++) {
      for (let n = minN; n <= maxN && start + n <= m; n++) {
        if (features.length >= max) return false;
        features.push(str.slice(offs[start], offs[start + n]));
        kinds.push(kind0 + n - minN);
      }
    }
    return true;
  };

  if (runOffsets.length < s.length + 3) runOffsets = new Int32Array(s.length + 3);
  for (let i = 0, m = 0; (m = nextRun(s, i, runOffsets)) > 0; ) {
    const runStart = runOffsets[0]!;
    const cls = charClass(s.codePointAt(runStart)!);
    i = runOffsets[m]!;
    offs.length = 0;
    for (let k = 0; k < m; k++) offs.push(runOffsets[k]! - runStart);
    let ok: boolean;
    if (cls === CJK_CHAR) {
      offs.push(i - runStart);
      ok = emitGrams(s.slice(runStart, i), m, config.cjkNgrams[0], config.cjkNgrams[1], 0);
    } else if (features.length >= max) {
      ok = false;
    } else {
      // `<word>`: shift offsets by one for '<', then add the word end and the '>' end.
      const bounded = `<${s.slice(runStart, i)}>`;
      for (let k = 0; k < m; k++) offs[k]! += 1;
      offs.unshift(0);
      offs.push(bounded.length - 1, bounded.length);
      features.push(bounded);
      kinds.push(wholeKind);
      ok = emitGrams(bounded, m + 2, config.wordNgrams[0], config.wordNgrams[1], wordKind0);
    }
    if (!ok) return { features, kinds, truncated: true };
  }
  return { features, kinds, truncated: false };
}

/**
 * FNV-1a 32-bit hash of the UTF-8 bytes of `s`. The bytes are produced and hashed in one loop
 * rather than by core's encoder (`core/utf8.ts`) and a second pass: this is the built-in model's
 * hottest loop, and encoding into a buffer first made it 1.6× slower (2.4M features: 35 → 56 ms).
 * test/unit/utf8.test.ts holds both to TextEncoder's bytes.
 */
export function fnv1a32Utf8(s: string): number {
  return fnvUtf8(FNV_OFFSET, s, 0, s.length) >>> 0;
}

const FNV_OFFSET = 0x811c9dc5;

/** Continues FNV-1a state `h` over the UTF-8 bytes of `s[from, to)` (unsigned only at the end: `>>> 0`). */
function fnvUtf8(h: number, s: string, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    let cp = s.charCodeAt(k);
    // Combine a surrogate pair into one code point; a lone surrogate encodes as U+FFFD.
    if (cp >= 0xd800 && cp <= 0xdbff && k + 1 < to) {
      const lo = s.charCodeAt(k + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        k++;
      } else cp = 0xfffd;
    } else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;

    if (cp < 0x80) {
      h = Math.imul(h ^ cp, 0x01000193);
    } else if (cp < 0x800) {
      h = Math.imul(h ^ (0xc0 | (cp >> 6)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), 0x01000193);
    } else if (cp < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (cp >> 12)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), 0x01000193);
    } else {
      h = Math.imul(h ^ (0xf0 | (cp >> 18)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((cp >> 12) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), 0x01000193);
    }
  }
  return h;
}

/** Bucket id in [0, buckets) of one feature string. */
export function featureBucket(feature: string, buckets: number): number {
  return fnv1a32Utf8(feature) % buckets;
}

/**
 * Featurises one text: bucket ids, pooling weights (1/n each, or α_kind/n with the config's
 * `orderWeights`), feature kinds, plus truncation.
 */
export function featurize(text: string, config: CharNgramModelConfig = BUILTIN_MODEL_CONFIG): Featurized {
  const { features, kinds: kindList, truncated } = scanFeatures(text, config);
  const n = features.length;
  const counts: number[] = [];
  if (config.shapeFeatures) {
    for (const o of kindList) counts[o] = (counts[o] ?? 0) + 1;
  }
  const present = counts.reduce<number[]>((acc, c, o) => (c ? [...acc, o] : acc), []);
  // The case feature: computed on the text before lower-casing; only texts with word n-grams.
  let caseString: string | undefined;
  let wordCount = 0;
  if (config.shapeFeatures && config.caseFeature) {
    const wordKind0 = featureKind(config, 'word', config.wordNgrams[0]);
    for (const o of kindList) if (o >= wordKind0 && o !== featureKind(config, 'shape')) wordCount++;
    const nfkc = text.normalize('NFKC');
    if (wordCount > 0 && UPPER.test(nfkc)) caseString = caseFeature(true);
    else if (wordCount > 0 && LOWER.test(nfkc)) caseString = caseFeature(false);
  }
  const total = n + present.length + (caseString ? 1 : 0);
  const ids = new Uint32Array(total);
  const weights = new Float32Array(total);
  const kinds = new Uint8Array(total);
  const alpha = config.orderWeights;
  for (let k = 0; k < n; k++) {
    kinds[k] = kindList[k]!;
    ids[k] = featureBucket(features[k] as string, config.buckets);
    weights[k] = alpha ? alpha[kinds[k]!]! / n : 1 / n;
  }
  if (present.length > 0) {
    const shape = featureKind(config, 'shape');
    present.forEach((o, j) => {
      kinds[n + j] = shape;
      ids[n + j] = featureBucket(shapeFeature(o, counts[o]!), config.buckets);
      weights[n + j] = ((alpha ? alpha[shape]! : 1) * counts[o]!) / n;
    });
  }
  if (caseString) {
    const k = n + present.length;
    kinds[k] = featureKind(config, 'shape');
    ids[k] = featureBucket(caseString, config.buckets);
    weights[k] = ((alpha ? alpha[kinds[k]!]! : 1) * wordCount) / n;
  }
  return { ids, weights, kinds, truncated };
}

/**
 * The features of many texts one after another in growable typed arrays (text t's are
 * `[start[t], start[t + 1])`), so featurising a batch allocates per batch, not per text or feature.
 */
export class FeatureRows {
  ids = new Uint32Array(4096);
  weights = new Float32Array(4096);
  kinds = new Uint8Array(4096);
  /** Feature offset of each text added, and the end (`texts + 1` entries). */
  start = new Int32Array(257);
  /** 1 where text t was truncated (as long as `start`). */
  truncated = new Uint8Array(257);
  /** Texts added. */
  texts = 0;

  /** Features in all. */
  get length(): number {
    return this.start[this.texts]!;
  }

  /** Empties the buffers for reuse (their memory is kept). */
  clear(): void {
    this.texts = 0;
  }

  /** Features of text `t`. */
  count(t: number): number {
    return this.start[t + 1]! - this.start[t]!;
  }

  /** Room for `n` more features and one more text. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need > this.ids.length) {
      const size = Math.max(need, this.ids.length * 2);
      this.ids = grown(this.ids, new Uint32Array(size));
      this.weights = grown(this.weights, new Float32Array(size));
      this.kinds = grown(this.kinds, new Uint8Array(size));
    }
    if (this.texts + 2 > this.start.length) {
      this.start = grown(this.start, new Int32Array(this.start.length * 2));
      this.truncated = grown(this.truncated, new Uint8Array(this.start.length));
    }
  }
}

function grown<T extends Uint32Array | Float32Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** UTF-16 offsets of the code points of the run being featurised (plus its end); grown as needed. */
let runOffsets = new Int32Array(256);

/**
 * `featurize(text, config)` appended to `out`: the same ids, weights, kinds and truncation
 * (test/unit/builtin.flat.test.ts), hashed straight from the normalised text with no string per
 * feature. Configs with shape features take `featurize`'s path and are copied.
 */
export function featurizeInto(text: string, config: CharNgramModelConfig, out: FeatureRows): void {
  const max = config.maxFeatures;
  out.reserve(max + (config.shapeFeatures ? featureKindCount(config) + 1 : 0));
  const from = out.length;
  const t = out.texts;
  if (config.shapeFeatures) {
    const f = featurize(text, config);
    out.ids.set(f.ids, from);
    out.weights.set(f.weights, from);
    out.kinds.set(f.kinds, from);
    out.truncated[t] = f.truncated ? 1 : 0;
    out.start[t + 1] = from + f.ids.length;
    out.texts++;
    return;
  }
  const s = normalizeText(text);
  if (runOffsets.length < s.length + 3) runOffsets = new Int32Array(s.length + 3);
  const offs = runOffsets;
  const { ids, kinds } = out;
  const buckets = config.buckets;
  const [cjkMin, cjkMax] = config.cjkNgrams;
  const [wordMin, wordMax] = config.wordNgrams;
  const wordKind0 = featureKind(config, 'word', wordMin);
  const wholeKind = featureKind(config, 'whole');
  const end = from + max;
  let k = from;
  let truncated = false;
  scan: for (let i = 0, m = 0; (m = nextRun(s, i, offs)) > 0; ) {
    const runStart = offs[0]!;
    const cls = charClass(s.codePointAt(runStart)!);
    i = offs[m]!;
    if (cls === CJK_CHAR) {
      for (let a = 0; a < m; a++) {
        for (let n = cjkMin; n <= cjkMax && a + n <= m; n++) {
          if (k >= end) {
            truncated = true;
            break scan;
          }
          ids[k] = (fnvUtf8(FNV_OFFSET, s, offs[a]!, offs[a + n]!) >>> 0) % buckets;
          kinds[k++] = n - cjkMin;
        }
      }
      continue;
    }
    if (k >= end) {
      truncated = true;
      break;
    }
    // `<word>`: position 0 is '<', 1…m the word's code points, m + 1 the '>'.
    ids[k] = (Math.imul(fnvUtf8(Math.imul(FNV_OFFSET ^ 0x3c, 0x01000193), s, runStart, i) ^ 0x3e, 0x01000193) >>> 0) % buckets;
    kinds[k++] = wholeKind;
    const positions = m + 2;
    for (let a = 0; a < positions; a++) {
      for (let n = wordMin; n <= wordMax && a + n <= positions; n++) {
        if (k >= end) {
          truncated = true;
          break scan;
        }
        const b = a + n;
        let h = a === 0 ? Math.imul(FNV_OFFSET ^ 0x3c, 0x01000193) : FNV_OFFSET;
        h = fnvUtf8(h, s, offs[Math.max(a, 1) - 1]!, offs[Math.min(b, m + 1) - 1]!);
        if (b === positions) h = Math.imul(h ^ 0x3e, 0x01000193);
        ids[k] = (h >>> 0) % buckets;
        kinds[k++] = wordKind0 + n - wordMin;
      }
    }
  }
  const n = k - from;
  const alpha = config.orderWeights;
  for (let j = from; j < k; j++) out.weights[j] = alpha ? alpha[kinds[j]!]! / n : 1 / n;
  out.truncated[t] = truncated ? 1 : 0;
  out.start[t + 1] = k;
  out.texts++;
}

/**
 * Checks a config read from disk; returns it typed or throws an `Error` naming the bad field.
 * Used by the loader so a hand-edited or foreign `config.json` fails precisely.
 */
export function parseCharNgramConfig(value: unknown): CharNgramModelConfig {
  if (typeof value !== 'object' || value === null) throw new Error('featurizer config is not an object');
  const v = value as Record<string, unknown>;
  const posInt = (key: string): number => {
    const x = v[key];
    if (typeof x !== 'number' || !Number.isInteger(x) || x <= 0) throw new Error(`featurizer config: "${key}" must be a positive integer`);
    return x;
  };
  const range = (key: string): readonly [number, number] => {
    const x = v[key];
    if (!Array.isArray(x) || x.length !== 2 || !x.every((n) => Number.isInteger(n) && n > 0) || x[0] > x[1])
      throw new Error(`featurizer config: "${key}" must be [min, max] with 0 < min ≤ max`);
    return [x[0], x[1]];
  };
  if (typeof v.version !== 'string') throw new Error('featurizer config: "version" must be a string');
  const seed = v.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error('featurizer config: "seed" must be an integer');
  const buckets = posInt('buckets');
  if (buckets > 2 ** 32) throw new Error('featurizer config: "buckets" must be ≤ 2^32');
  let config: CharNgramModelConfig = {
    version: v.version,
    buckets,
    dimension: posInt('dimension'),
    seed,
    cjkNgrams: range('cjkNgrams'),
    wordNgrams: range('wordNgrams'),
    maxFeatures: posInt('maxFeatures'),
  };
  if (v.shapeFeatures !== undefined) {
    if (typeof v.shapeFeatures !== 'boolean') throw new Error('featurizer config: "shapeFeatures" must be a boolean');
    if (v.shapeFeatures) config = { ...config, shapeFeatures: true };
  }
  if (v.caseFeature !== undefined) {
    if (typeof v.caseFeature !== 'boolean') throw new Error('featurizer config: "caseFeature" must be a boolean');
    if (v.caseFeature && !config.shapeFeatures) throw new Error('featurizer config: "caseFeature" needs "shapeFeatures"');
    if (v.caseFeature) config = { ...config, caseFeature: true };
  }
  if (v.lexicon !== undefined) config = { ...config, lexicon: parseLexiconConfig(v.lexicon) };
  if (v.orderWeights === undefined) return config; // the shipped model: no key, same fingerprint
  const w = v.orderWeights;
  const kinds = featureKindCount(config);
  if (!Array.isArray(w) || w.length !== kinds || !w.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0) || !w.some((x) => x > 0))
    throw new Error(`featurizer config: "orderWeights" must be ${kinds} finite numbers ≥ 0, not all 0`);
  return { ...config, orderWeights: w as number[] };
}
