/**
 * Builds the meaning table of `char-ngram-v2` from CC-CEDICT entries and the WordNet database files.
 *
 * 1. Every CC-CEDICT headword (simplified and traditional, CJK characters only) collects the senses
 *    of its entries; "variant of X" / "see X" / "abbr. for X" senses add X's senses.
 * 2. Its meaning is the sparse vector unit(gloss lemmas, TF-IDF) + unit(WordNet synsets of those
 *    lemmas, plus hypernyms / similar-to one level up at half weight); 2–3-word senses found as
 *    WordNet collocations (pass away → pass_away) add their synsets. Headwords with identical sense
 *    lists share one row (most traditional forms).
 * 3. The unit-length sparse rows are reduced to `dimension` columns by a randomized truncated SVD.
 * 4. English gloss lemmas get rows in the same space by folding their own sparse vector
 *    (the lemma itself + its synsets) through the SVD's right singular vectors: car lands near 汽车.
 * 5. Rows are quantised to int8 with one float scale per row.
 * Everything is ordered and seeded, so the same inputs give the same bytes.
 */
import { ENGLISH_STOP_WORDS } from './lexicon';
import { randomizedSvd, type CsrMatrix } from './svd';

/** One CC-CEDICT entry as the `cc-cedict` package ships it. */
export interface CedictEntry {
  readonly traditional: string;
  readonly simplified: string;
  readonly senses: readonly string[];
}

/** Parses `cc-cedict`'s `data/all.js` (`export default {"all":[[trad, simp, pinyin, english, …], …]}`). */
export function parseCedictModule(text: string): CedictEntry[] {
  const start = text.indexOf('{');
  if (start < 0) throw new Error('cc-cedict data: no JSON object found');
  const json = JSON.parse(text.slice(start).trim().replace(/;$/, '')) as { all?: unknown[] };
  if (!Array.isArray(json.all)) throw new Error('cc-cedict data: no "all" array');
  const out: CedictEntry[] = [];
  for (const e of json.all) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'string') continue;
    const english = e[3];
    const glosses = typeof english === 'string' ? [english] : Array.isArray(english) ? english.filter((g): g is string => typeof g === 'string') : [];
    const senses: string[] = [];
    for (const g of glosses) for (const part of g.split(/[;/]/)) if (part.trim()) senses.push(part.trim());
    out.push({ traditional: e[0], simplified: e[1], senses });
  }
  return out;
}

/** The parts of WordNet the builder uses. */
export interface WordNetData {
  /** lemma → synset ids (all parts of speech, index order). */
  readonly synsets: ReadonlyMap<string, readonly string[]>;
  /** synset id → hypernym / instance hypernym / similar-to synset ids. */
  readonly related: ReadonlyMap<string, readonly string[]>;
}

const POS: readonly (readonly [string, string])[] = [
  ['noun', 'n'],
  ['verb', 'v'],
  ['adj', 'a'],
  ['adv', 'r'],
];

/** Parses WordNet's `index.<pos>` and `data.<pos>` files (`files['index.noun']`, …). */
export function parseWordNet(files: Readonly<Record<string, string>>): WordNetData {
  const synsets = new Map<string, string[]>();
  const related = new Map<string, string[]>();
  for (const [name, p] of POS) {
    const index = files[`index.${name}`];
    const data = files[`data.${name}`];
    if (index === undefined || data === undefined) throw new Error(`WordNet: index.${name} / data.${name} missing`);
    for (const line of index.split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const t = line.trim().split(/\s+/);
      const n = Number(t[2]);
      if (!Number.isInteger(n) || n <= 0) continue;
      const list = synsets.get(t[0]!) ?? [];
      for (const off of t.slice(-n)) list.push(`${p}${off}`);
      synsets.set(t[0]!, list);
    }
    for (const line of data.split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const head = line.split(' | ')[0]!.trim().split(/\s+/);
      const words = parseInt(head[3]!, 16);
      let k = 4 + 2 * words;
      const pointers = Number(head[k]);
      const rel: string[] = [];
      for (let j = 0; j < pointers; j++) {
        const sym = head[k + 1 + 4 * j];
        if (sym === '@' || sym === '@i' || sym === '&') {
          const tpos = head[k + 3 + 4 * j] === 's' ? 'a' : head[k + 3 + 4 * j]!;
          rel.push(`${tpos}${head[k + 2 + 4 * j]}`);
        }
      }
      related.set(`${p}${head[0]}`, rel);
    }
  }
  return { synsets, related };
}

const HAN_ONLY = /^[\p{Script=Han}\u3007]+$/u;
const RE_REF =
  /(?:variant of|see also|see|abbr\. for|abbr\. of|same as|also written|also called|equivalent to|also known as|short for)\s+([\p{Script=Han}|]+)/gu;
const RE_PINYIN = /\[[^\]]*\]/g;
const RE_HAN_RUN = /[\u2e80-\u2fff\u3000-\u303f\p{Script=Han}]+/gu;
const RE_PAREN = /\([^()]*\)/g;
const RE_TOKEN = /[a-z]+(?:'[a-z]+)?/g;
const RE_SEE = /\b(?:variant of|see also|see|abbr\. for|abbr\. of|same as|also written|old variant of)\b/g;
const LEAD = /^(?:to be |to |a |an |the |be )/;

/** The cleaned English of one sense, or '' for senses without meaning (classifiers, surnames, pronunciations). */
export function cleanSense(sense: string): string {
  let s = sense.trim();
  const low = s.toLowerCase();
  if (low.startsWith('cl:') || low.startsWith('surname ') || low.startsWith('pr.')) return '';
  s = s.replace(RE_PINYIN, ' ').replace(RE_HAN_RUN, ' ');
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(RE_PAREN, ' ');
  }
  s = s.toLowerCase().replaceAll("sb's", ' ').replaceAll("sth's", ' ').replaceAll("one's", ' ').replace(RE_SEE, ' ');
  return s.replace(/\s+/g, ' ').replace(/^[ .,:]+|[ .,:]+$/g, '');
}

/** WordNet base form of an English word: itself when a lemma, else the first suffix rule giving a lemma. */
function makeLemmatizer(wn: WordNetData): (word: string) => string {
  const rules: [string, string][] = [
    ['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y'],
    ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', ''], ['er', ''], ['est', ''], ['er', 'e'], ['est', 'e'],
  ];
  const memo = new Map<string, string>();
  return (word) => {
    let base = memo.get(word);
    if (base !== undefined) return base;
    base = word;
    if (!wn.synsets.has(word)) {
      for (const [suf, rep] of rules) {
        if (word.length > suf.length + 1 && word.endsWith(suf) && wn.synsets.has(word.slice(0, -suf.length) + rep)) {
          base = word.slice(0, -suf.length) + rep;
          break;
        }
      }
    }
    memo.set(word, base);
    return base;
  };
}

/** Gloss lemmas of a cleaned sense (stop words and one-letter tokens dropped). */
function senseTokens(text: string, lemma: ((w: string) => string) | undefined): string[] {
  const out: string[] = [];
  for (const t of text.match(RE_TOKEN) ?? []) {
    if (t.length < 2 || ENGLISH_STOP_WORDS.has(t)) continue;
    out.push(lemma ? lemma(t) : t);
  }
  return out;
}

export interface LexiconBuildOptions {
  readonly dimension: number;
  readonly seed: number;
  /** Weight of hypernyms / similar-to synsets relative to a lemma's own synsets. */
  readonly hypernymWeight: number;
  readonly powerIterations: number;
  /** Called after each phase with its name (progress and timing in the generator). */
  readonly onPhase?: (phase: string) => void;
}

export interface LexiconTable {
  /** Row r's words (row-ordered); `lexicon.txt` writes one line per row, words separated by tabs. */
  readonly rowWords: string[][];
  readonly dimension: number;
  /** [rows × dimension] int8, row-major. */
  readonly quantized: Int8Array;
  /** [rows] float32 scales: value = int8 × scale. */
  readonly scales: Float32Array;
  readonly stats: { headwords: number; cedictRows: number; englishRows: number; features: number; nnz: number };
}

type Sparse = Map<string, number>;

function addUnit(acc: Sparse, vec: Sparse, weight = 1): void {
  let sq = 0;
  for (const x of vec.values()) sq += x * x;
  if (sq === 0) return;
  const inv = weight / Math.sqrt(sq);
  for (const [k, x] of vec) acc.set(k, (acc.get(k) ?? 0) + x * inv);
}

/** Builds the quantised meaning table (the steps in the module comment). */
export function buildLexiconTable(entries: readonly CedictEntry[], wn: WordNetData, options: LexiconBuildOptions): LexiconTable {
  const lemma = makeLemmatizer(wn);
  // 1. Senses per headword.
  const senses = new Map<string, string[]>();
  for (const e of entries) {
    for (const w of e.simplified === e.traditional ? [e.simplified] : [e.simplified, e.traditional]) {
      if (!HAN_ONLY.test(w)) continue;
      let list = senses.get(w);
      if (!list) senses.set(w, (list = []));
      list.push(...e.senses);
    }
  }
  const words = [...senses.keys()].sort();
  const expanded = new Map<string, string[]>();
  for (const w of words) {
    const own = senses.get(w)!;
    const all = [...own];
    for (const s of own) {
      for (const m of s.matchAll(RE_REF)) {
        const ref = m[1]!.split('|').pop()!;
        if (ref !== w) all.push(...(senses.get(ref) ?? []));
      }
    }
    expanded.set(w, all);
  }
  // Lemma counts per headword and document frequencies.
  const lemmaCounts = new Map<string, { counts: Map<string, number>; cleaned: string[] }>();
  const df = new Map<string, number>();
  for (const w of words) {
    const counts = new Map<string, number>();
    const cleaned: string[] = [];
    for (const s of expanded.get(w)!) {
      const c = cleanSense(s);
      if (!c) continue;
      cleaned.push(c);
      for (const t of senseTokens(c, lemma)) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    lemmaCounts.set(w, { counts, cleaned });
    for (const t of counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const nDocs = words.length;
  const maxIdf = Math.log(1 + nDocs) + 1;
  const idf = (t: string): number => {
    const d = df.get(t);
    return d === undefined ? maxIdf : Math.log((1 + nDocs) / (1 + d)) + 1;
  };
  const synsetVector = (weighted: [string, number][], phrases: [string, number][]): Sparse => {
    const out: Sparse = new Map();
    const add = (syns: readonly string[] | undefined, weight: number): void => {
      if (!syns || syns.length === 0) return;
      const share = weight / syns.length;
      for (const s of syns) {
        out.set(`S${s}`, (out.get(`S${s}`) ?? 0) + share);
        const rel = wn.related.get(s) ?? [];
        for (const r of rel) out.set(`S${r}`, (out.get(`S${r}`) ?? 0) + (options.hypernymWeight * share) / rel.length);
      }
    };
    for (const [t, w] of weighted) add(wn.synsets.get(t), w);
    for (const [p, w] of phrases) add(wn.synsets.get(p), w);
    return out;
  };
  const meaningOf = (counts: Map<string, number>, cleaned: readonly string[]): Sparse => {
    const lemmas: Sparse = new Map();
    const weighted: [string, number][] = [];
    for (const [t, n] of counts) {
      const w = (1 + Math.log(n)) * idf(t);
      lemmas.set(`L${t}`, w);
      weighted.push([t, w]);
    }
    const phrases: [string, number][] = [];
    for (const c of cleaned) {
      const ws = c.replace(LEAD, '').match(RE_TOKEN) ?? [];
      if (ws.length < 2 || ws.length > 3) continue;
      const key = ws.join('_');
      if (!wn.synsets.has(key)) continue;
      const toks = senseTokens(c, undefined);
      phrases.push([key, toks.length ? toks.reduce((s, t) => s + idf(t), 0) / toks.length : 1]);
    }
    const acc: Sparse = new Map();
    addUnit(acc, lemmas);
    addUnit(acc, synsetVector(weighted, phrases));
    return acc;
  };

  // 2. Rows: headwords with the same sense list share one.
  const rowWords: string[][] = [];
  const rowVectors: Sparse[] = [];
  const rowOfSenses = new Map<string, number>();
  for (const w of words) {
    const { counts, cleaned } = lemmaCounts.get(w)!;
    if (counts.size === 0) continue;
    const key = expanded.get(w)!.join('\u0001');
    const existing = rowOfSenses.get(key);
    if (existing !== undefined) {
      rowWords[existing]!.push(w);
      continue;
    }
    rowOfSenses.set(key, rowWords.length);
    rowWords.push([w]);
    rowVectors.push(meaningOf(counts, cleaned));
  }
  const cedictRows = rowWords.length;
  options.onPhase?.('sparse rows');

  // 3. Sparse matrix over the features in order of first use, rows unit length.
  const featureIndex = new Map<string, number>();
  for (const v of rowVectors) for (const k of [...v.keys()].sort()) if (!featureIndex.has(k)) featureIndex.set(k, featureIndex.size);
  const toCsr = (vectors: readonly Sparse[]): CsrMatrix => {
    let nnz = 0;
    for (const v of vectors) for (const k of v.keys()) if (featureIndex.has(k)) nnz++;
    const indptr = new Uint32Array(vectors.length + 1);
    const indices = new Uint32Array(nnz);
    const values = new Float32Array(nnz);
    let p = 0;
    vectors.forEach((v, i) => {
      const cols = [...v.entries()].filter(([k]) => featureIndex.has(k)).map(([k, x]) => [featureIndex.get(k)!, x] as const);
      cols.sort((a, b) => a[0] - b[0]);
      const norm = Math.sqrt(cols.reduce((s, [, x]) => s + x * x, 0)) || 1;
      for (const [c, x] of cols) {
        indices[p] = c;
        values[p++] = x / norm;
      }
      indptr[i + 1] = p;
    });
    return { rows: vectors.length, cols: featureIndex.size, indptr, indices, values };
  };
  const x = toCsr(rowVectors);
  options.onPhase?.('sparse matrix');
  const svd = randomizedSvd(x, options.dimension, { seed: options.seed, powerIterations: options.powerIterations });
  options.onPhase?.('randomized SVD');
  const dim = svd.k;

  // 4. English gloss lemmas folded in.
  const english = [...df.keys()].filter((t) => /^[a-z]{2,}$/.test(t) && !ENGLISH_STOP_WORDS.has(t)).sort();
  const englishVectors = english.map((t) => meaningOf(new Map([[t, 1]]), []));
  const ex = toCsr(englishVectors);
  const all = new Float32Array((cedictRows + english.length) * dim);
  all.set(svd.rowVectors.subarray(0, cedictRows * dim));
  for (let i = 0; i < english.length; i++) {
    const out = all.subarray((cedictRows + i) * dim, (cedictRows + i + 1) * dim);
    for (let p = ex.indptr[i]!; p < ex.indptr[i + 1]!; p++) {
      const c = ex.indices[p]!;
      const v = ex.values[p]!;
      for (let r = 0; r < dim; r++) out[r]! += v * svd.foldIn[c * dim + r]!;
    }
    rowWords.push([english[i]!]);
  }

  options.onPhase?.('English rows');
  // 5. int8 with a scale per row.
  const rows = rowWords.length;
  const quantized = new Int8Array(rows * dim);
  const scales = new Float32Array(rows);
  for (let i = 0; i < rows; i++) quantizeRow(all, i, dim, quantized, scales, i);
  return {
    rowWords,
    dimension: dim,
    quantized,
    scales,
    stats: { headwords: words.length, cedictRows, englishRows: english.length, features: featureIndex.size, nnz: x.indices.length },
  };
}

/**
 * Quantises row `from` of `source` ([· × dim] float) into row `to` of `values` (int8) and `scales`:
 * scale = max |x| / 127, value = round(x / scale) (a zero row stays zero with scale 0).
 */
export function quantizeRow(source: ArrayLike<number>, from: number, dim: number, values: Int8Array, scales: Float32Array, to: number): void {
  let max = 0;
  for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(source[from * dim + d]!));
  const scale = max > 0 ? max / 127 : 0;
  scales[to] = scale;
  for (let d = 0; d < dim; d++) values[to * dim + d] = scale > 0 ? Math.round(source[from * dim + d]! / scale) : 0;
}
