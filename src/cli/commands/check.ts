import { findPairIssues } from '../../core/dictionary';
import { flagPair, pairFlagMessage, formatCosine, type Thresholds } from '../../core/scoring';
import type { Pair, Range } from '../../core/csv/types';
import { dot } from '../../core/vectors';
import { embedFlat, type EmbeddingEngine } from '../../runtime/model/engine';
import { inputFormat } from '../dictionaryInput';
import { parseAnyDictionary } from '../../core/formats/dictionary';
import { parseDictionaryPairs } from '../../core/csv/parse';
import { readTextFile } from '../input';
import { numberOption, openEngine } from '../options';
import { round } from './similarity';
import { BufferedOutput, writeJsonStreamed } from '../output';

/** One finding, in the shape of docs/cli.md's `problems` entries. Lines and columns are 1-based. */
interface Finding {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
}

const at = (r: Range) => ({ line: r.start.line + 1, column: r.start.character + 1 });

/**
 * Pairs scored per step. The terms of one step are featurised, embedded and scored together and
 * their vectors dropped before the next, so memory follows this, not the dictionary (a vector of
 * the embedded model is 1 KiB: 2 M terms would be 2 GiB at once).
 */
const PAIRS_PER_STEP = 8192;

/** What scoring leaves of each pair: its cosine, and findings from the model's view of its cells. */
interface Scores {
  /** Cosine per pair, in pair order. */
  cosines: Float64Array;
  /** unknown-term and term-too-long findings, in pair order (a, then b). */
  findings: Finding[];
}

/** Scores `pairs` step by step with `engine` (see `PAIRS_PER_STEP`). */
async function scoreStreaming(pairs: readonly Pair[], engine: EmbeddingEngine): Promise<Scores> {
  const cosines = new Float64Array(pairs.length);
  const findings: Finding[] = [];
  const dim = engine.dimension;
  // One array for every step's vectors (a step has at most 2 × PAIRS_PER_STEP distinct terms).
  const vectors = new Float32Array(2 * Math.min(PAIRS_PER_STEP, pairs.length) * dim);
  for (let from = 0; from < pairs.length; from += PAIRS_PER_STEP) {
    const to = Math.min(pairs.length, from + PAIRS_PER_STEP);
    const index = new Map<string, number>();
    const texts: string[] = [];
    for (let i = from; i < to; i++) {
      for (const t of [pairs[i]!.a.text, pairs[i]!.b.text]) {
        if (!index.has(t)) {
          index.set(t, texts.length);
          texts.push(t);
        }
      }
    }
    const { data, analyses } = await embedFlat(engine, texts, undefined, vectors);
    const vector = (t: string) => {
      const k = index.get(t)!;
      return data.subarray(k * dim, (k + 1) * dim);
    };
    for (let i = from; i < to; i++) {
      const p = pairs[i]!;
      for (const cell of [p.a, p.b]) {
        const a = analyses[index.get(cell.text)!]!;
        if (a.unknownOnly) findings.push({ code: 'unknown-term', severity: 'warning', message: `'${cell.text}' has nothing the model knows; its similarity is meaningless`, ...at(cell.range) });
        else if (a.truncated) findings.push({ code: 'term-too-long', severity: 'warning', message: `'${cell.text.slice(0, 40)}…' is longer than the model's input (${engine.maxInputLength}) and was truncated`, ...at(cell.range) });
      }
      cosines[i] = Math.max(-1, Math.min(1, dot(vector(p.a.text), vector(p.b.text))));
    }
  }
  return { cosines, findings };
}

/**
 * The pairs of a dictionary file and its structural findings. A CSV's rows are never gathered
 * (each is checked and dropped as it is scanned); a Solr or ES file's are left to the collector.
 */
function readDictionary(file: string, format: string | boolean | undefined): { pairs: Pair[]; findings: Finding[] } {
  const text = readTextFile(file);
  const kind = inputFormat(file, format);
  // A CSV is read without its rows (the same pairs and problems: `parseDictionaryPairs`).
  const dict = kind === 'csv' ? parseDictionaryPairs(text) : parseAnyDictionary(text, kind).dict;
  const findings: Finding[] = dict.problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message, ...at(p.range) }));
  for (const issue of findPairIssues(dict)) {
    findings.push({ code: issue.kind, severity: 'warning', message: issue.message, ...at(issue.pair.b.range) });
  }
  return { pairs: dict.pairs, findings };
}

/**
 * `check <file.csv>`: every pair with its cosine, flags, and the dictionary's structural problems.
 * The terms are embedded and scored in steps, and the report is written as it is made, so a
 * million-row dictionary needs memory for its parse, not for its vectors or its report text.
 */
export async function runCheck(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0];
  const threshold = numberOption(values.threshold, 'threshold', 0.5, [-1, 1]);
  const t: Thresholds = {
    threshold,
    negativeThreshold: numberOption(values['negative-threshold'], 'negative-threshold', threshold, [-1, 1]),
  };
  const { pairs, findings } = readDictionary(file, values.format);

  const engine = await openEngine(values.model);
  let scores: Scores;
  try {
    scores = await scoreStreaming(pairs, engine);
  } finally {
    await engine.dispose();
  }
  const { cosines } = scores;
  for (const f of scores.findings) findings.push(f);
  let lowSimilarity = 0;
  let negativeTooSimilar = 0;
  const flagOf = (i: number) => flagPair(pairs[i]!.label, cosines[i]!, t);
  for (let i = 0; i < pairs.length; i++) {
    const flag = flagOf(i);
    if (!flag) continue;
    if (flag === 'low-similarity') lowSimilarity++;
    else negativeTooSimilar++;
    findings.push({ code: flag, severity: 'warning', message: pairFlagMessage({ pair: pairs[i]!, cosine: cosines[i]!, flag }, t), ...at(pairs[i]!.b.range) });
  }
  findings.sort((x, y) => x.line - y.line || x.column - y.column);

  const terms = new Set<string>();
  for (const p of pairs) terms.add(p.a.text).add(p.b.text);
  const summary = {
    pairs: pairs.length,
    terms: terms.size,
    flagged: findings.length,
    low_similarity: lowSimilarity,
    negative_too_similar: negativeTooSimilar,
    problems: findings.length - lowSimilarity - negativeTooSimilar,
  };
  terms.clear();

  if (values.json) {
    const out = new BufferedOutput(process.stdout, false);
    writeJsonStreamed(
      {
        file,
        model: { id: engine.id, fingerprint: engine.fingerprint, dimension: engine.dimension },
        threshold: t.threshold,
        negative_threshold: t.negativeThreshold,
        pairs: {
          length: pairs.length,
          at: (i: number) => {
            const p = pairs[i]!;
            return {
              ...at(p.a.range),
              row: p.row,
              term: p.a.text,
              synonym: p.b.text,
              label: p.label,
              ...(p.oneWay ? { one_way: true } : {}),
              cosine: round(cosines[i]!),
              flag: flagOf(i) ?? null,
            };
          },
        },
        problems: findings,
        summary,
      },
      (s) => out.write(s),
    );
    out.write('\n');
    out.flush();
  } else {
    const out = new BufferedOutput(process.stdout, true);
    const w = (s: string) => out.write(s + '\n');
    w(`${file}: ${summary.pairs} pairs, ${summary.terms} terms · model ${engine.id} · threshold ${formatCosine(t.threshold)}`);
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i]!;
      const mark = flagOf(i) ? '✗' : '✓';
      const neg = p.label === 0 ? '  (label 0)' : '';
      w(`${String(at(p.a.range).line).padStart(6)}  ${formatCosine(cosines[i]!).padStart(5)} ${mark} ${p.a.text} ${p.oneWay ? '=>' : '~'} ${p.b.text}${neg}`);
    }
    if (findings.length) {
      w('');
      for (const f of findings) w(`${file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`);
    }
    w('');
    w(
      `${summary.flagged ? `${summary.flagged} flagged` : 'nothing flagged'}: ${summary.low_similarity} low-similarity, ` +
        `${summary.negative_too_similar} negative-too-similar, ${summary.problems} other problems`,
    );
    out.flush();
  }
  return findings.length && !values['exit-zero'] ? 1 : 0;
}
