import { flagPair, flagMessage, formatCosine, type PairFlag, type Thresholds } from '../../core/scoring';
import type { Problem, Range } from '../../core/csv/types';
import { PairTable, pairTableIssues } from '../../core/pairTable';
import { dotAt } from '../../core/vectors';
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

/** Scores the table's pairs step by step with `engine` (see `PAIRS_PER_STEP`). */
async function scoreStreaming(table: PairTable, engine: EmbeddingEngine): Promise<Scores> {
  const n = table.length;
  const { terms } = table;
  const cosines = new Float64Array(n);
  const findings: Finding[] = [];
  const dim = engine.dimension;
  // One array for every step's vectors (a step has at most 2 × PAIRS_PER_STEP distinct terms).
  const vectors = new Float32Array(2 * Math.min(PAIRS_PER_STEP, n) * dim);
  // Term id → the step that last embedded it, and its index among that step's texts.
  const stepOf = new Int32Array(terms.length).fill(-1);
  const slotOf = new Int32Array(terms.length);
  const texts: string[] = [];
  const cell = (id: number, line: number, character: number, a: { unknownOnly: boolean; truncated: boolean }) => {
    const text = terms[id]!;
    if (a.unknownOnly) findings.push({ code: 'unknown-term', severity: 'warning', message: `'${text}' has nothing the model knows; its similarity is meaningless`, line: line + 1, column: character + 1 });
    else if (a.truncated) findings.push({ code: 'term-too-long', severity: 'warning', message: `'${text.slice(0, 40)}…' is longer than the model's input (${engine.maxInputLength}) and was truncated`, line: line + 1, column: character + 1 });
  };
  for (let from = 0, step = 0; from < n; from += PAIRS_PER_STEP, step++) {
    const to = Math.min(n, from + PAIRS_PER_STEP);
    texts.length = 0;
    const take = (id: number) => {
      if (stepOf[id] === step) return;
      stepOf[id] = step;
      slotOf[id] = texts.length;
      texts.push(terms[id]!);
    };
    for (let i = from; i < to; i++) {
      take(table.a[i]!);
      take(table.b[i]!);
    }
    const { data, analyses } = await embedFlat(engine, texts, undefined, vectors);
    for (let i = from; i < to; i++) {
      const x = slotOf[table.a[i]!]!;
      const y = slotOf[table.b[i]!]!;
      cell(table.a[i]!, table.aLine[i]!, table.aChar[i]!, analyses[x]!);
      cell(table.b[i]!, table.bLine[i]!, table.bChar[i]!, analyses[y]!);
      cosines[i] = Math.max(-1, Math.min(1, dotAt(data, x * dim, data, y * dim, dim)));
    }
  }
  return { cosines, findings };
}

/**
 * The pairs of a dictionary file, as a `PairTable`, and its structural findings (problems, then
 * pair issues). A CSV's rows and pairs are never gathered (each row is checked, its pairs copied
 * into the table and dropped as it is scanned); a Solr or ES file's are left to the collector.
 */
function readDictionary(file: string, format: string | boolean | undefined): { table: PairTable; findings: Finding[] } {
  const text = readTextFile(file);
  const kind = inputFormat(file, format);
  const table = new PairTable();
  let problems: readonly Problem[];
  if (kind === 'csv') {
    // A CSV is read without its rows (the same pairs and problems: `parseDictionaryPairs`).
    problems = parseDictionaryPairs(text, (pair) => table.add(pair)).problems;
  } else {
    const { dict } = parseAnyDictionary(text, kind);
    for (const pair of dict.pairs) table.add(pair);
    problems = dict.problems;
  }
  const findings: Finding[] = problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message, ...at(p.range) }));
  for (const issue of pairTableIssues(table)) {
    findings.push({ code: issue.kind, severity: 'warning', message: issue.message, line: table.bLine[issue.pair]! + 1, column: table.bChar[issue.pair]! + 1 });
  }
  return { table, findings };
}

/**
 * The report's findings in order of position (stable: at one position, in the order they were
 * found): `others` (problems, pair issues, the model's findings) then one per pair of `flagged`,
 * at its synonym. The flags, most of a large report, are kept as pair indices and made into
 * findings by `flagFinding` one at a time as they are written.
 */
function orderFindings(table: PairTable, others: Finding[], flagged: number[], flagFinding: (pair: number) => Finding): { length: number; at(k: number): Finding } {
  const line = (i: number) => table.bLine[i]!;
  const character = (i: number) => table.bChar[i]!;
  others.sort((x, y) => x.line - y.line || x.column - y.column);
  flagged.sort((x, y) => line(x) - line(y) || character(x) - character(y) || x - y);
  // Entry ≥ 0: a flagged pair's index; < 0: -(1 + an index into `others`).
  const order = new Int32Array(others.length + flagged.length);
  for (let k = 0, o = 0, f = 0; k < order.length; k++) {
    let other = f === flagged.length;
    if (!other && o < others.length) {
      const x = others[o]!;
      const i = flagged[f]!;
      other = x.line - 1 < line(i) || (x.line - 1 === line(i) && x.column - 1 <= character(i));
    }
    order[k] = other ? -1 - o++ : flagged[f++]!;
  }
  return {
    length: order.length,
    at: (k: number) => {
      const e = order[k]!;
      return e < 0 ? others[-1 - e]! : flagFinding(e);
    },
  };
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
  const { table, findings: others } = readDictionary(file, values.format);
  const n = table.length;
  const { terms } = table;

  const engine = await openEngine(values.model);
  let scores: Scores;
  try {
    scores = await scoreStreaming(table, engine);
  } finally {
    await engine.dispose();
  }
  const { cosines } = scores;
  for (const f of scores.findings) others.push(f);
  let lowSimilarity = 0;
  let negativeTooSimilar = 0;
  const flagOf = (i: number): PairFlag | undefined => flagPair(table.label[i] as 0 | 1, cosines[i]!, t);
  const flagged: number[] = [];
  for (let i = 0; i < n; i++) {
    const flag = flagOf(i);
    if (!flag) continue;
    if (flag === 'low-similarity') lowSimilarity++;
    else negativeTooSimilar++;
    flagged.push(i);
  }
  const findings = orderFindings(table, others, flagged, (i) => {
    const flag = flagOf(i)!;
    return { code: flag, severity: 'warning', message: flagMessage(terms[table.a[i]!]!, terms[table.b[i]!]!, cosines[i]!, flag, t), line: table.bLine[i]! + 1, column: table.bChar[i]! + 1 };
  });

  const summary = {
    pairs: n,
    terms: terms.length,
    flagged: findings.length,
    low_similarity: lowSimilarity,
    negative_too_similar: negativeTooSimilar,
    problems: findings.length - lowSimilarity - negativeTooSimilar,
  };

  if (values.json) {
    const out = new BufferedOutput(process.stdout, false);
    writeJsonStreamed(
      {
        file,
        model: { id: engine.id, fingerprint: engine.fingerprint, dimension: engine.dimension },
        threshold: t.threshold,
        negative_threshold: t.negativeThreshold,
        pairs: {
          length: n,
          at: (i: number) => ({
            line: table.aLine[i]! + 1,
            column: table.aChar[i]! + 1,
            row: table.row[i]!,
            term: terms[table.a[i]!]!,
            synonym: terms[table.b[i]!]!,
            label: table.label[i]!,
            ...(table.oneWay[i] ? { one_way: true } : {}),
            cosine: round(cosines[i]!),
            flag: flagOf(i) ?? null,
          }),
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
    for (let i = 0; i < n; i++) {
      const mark = flagOf(i) ? '✗' : '✓';
      const neg = table.label[i] === 0 ? '  (label 0)' : '';
      w(`${String(table.aLine[i]! + 1).padStart(6)}  ${formatCosine(cosines[i]!).padStart(5)} ${mark} ${terms[table.a[i]!]} ${table.oneWay[i] ? '=>' : '~'} ${terms[table.b[i]!]}${neg}`);
    }
    if (findings.length) {
      w('');
      for (let k = 0; k < findings.length; k++) {
        const f = findings.at(k);
        w(`${file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`);
      }
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
