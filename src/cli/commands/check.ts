import { findPairIssues } from '../../core/dictionary';
import { scorePairs, pairFlagMessage, formatCosine, type Thresholds, type ScoredPair } from '../../core/scoring';
import type { Range } from '../../core/csv/types';
import { inputFormat } from '../dictionaryInput';
import { parseAnyDictionary } from '../../core/formats/dictionary';
import { readTextFile } from '../input';
import { numberOption, openEngine } from '../options';
import { round } from './similarity';
import { writeHuman } from '../output';

/** One finding, in the shape of docs/cli.md's `problems` entries. Lines and columns are 1-based. */
interface Finding {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
}

const at = (r: Range) => ({ line: r.start.line + 1, column: r.start.character + 1 });

/** `check <file.csv>`: every pair with its cosine, flags, and the dictionary's structural problems. */
export async function runCheck(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = positionals[0];
  const threshold = numberOption(values.threshold, 'threshold', 0.5, [-1, 1]);
  const t: Thresholds = {
    threshold,
    negativeThreshold: numberOption(values['negative-threshold'], 'negative-threshold', threshold, [-1, 1]),
  };
  const dict = parseAnyDictionary(readTextFile(file), inputFormat(file, values.format)).dict;

  const findings: Finding[] = dict.problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message, ...at(p.range) }));
  for (const issue of findPairIssues(dict)) {
    findings.push({ code: issue.kind, severity: 'warning', message: issue.message, ...at(issue.pair.b.range) });
  }

  const engine = await openEngine(values.model);
  let scored: ScoredPair[];
  try {
    const texts = [...new Set(dict.pairs.flatMap((p) => [p.a.text, p.b.text]))];
    const vectors = await engine.embed(texts);
    const byText = new Map(texts.map((s, i) => [s, vectors[i]]));
    for (const p of dict.pairs) {
      for (const cell of [p.a, p.b]) {
        const a = engine.analyze(cell.text);
        if (a.unknownOnly) findings.push({ code: 'unknown-term', severity: 'warning', message: `'${cell.text}' has nothing the model knows; its similarity is meaningless`, ...at(cell.range) });
        else if (a.truncated) findings.push({ code: 'term-too-long', severity: 'warning', message: `'${cell.text.slice(0, 40)}…' is longer than the model's input (${engine.maxInputLength}) and was truncated`, ...at(cell.range) });
      }
    }
    scored = scorePairs(dict.pairs, (s) => byText.get(s), t);
  } finally {
    await engine.dispose();
  }
  for (const s of scored) {
    if (s.flag) findings.push({ code: s.flag, severity: 'warning', message: pairFlagMessage(s, t), ...at(s.pair.b.range) });
  }
  findings.sort((x, y) => x.line - y.line || x.column - y.column);

  const flagged = scored.filter((s) => s.flag);
  const summary = {
    pairs: scored.length,
    terms: new Set(dict.pairs.flatMap((p) => [p.a.text, p.b.text])).size,
    flagged: findings.length,
    low_similarity: flagged.filter((s) => s.flag === 'low-similarity').length,
    negative_too_similar: flagged.filter((s) => s.flag === 'negative-too-similar').length,
    problems: findings.length - flagged.length,
  };

  if (values.json) {
    const out = {
      file,
      model: { id: engine.id, fingerprint: engine.fingerprint, dimension: engine.dimension },
      threshold: t.threshold,
      negative_threshold: t.negativeThreshold,
      pairs: scored.map((s) => ({
        ...at(s.pair.a.range),
        row: s.pair.row,
        term: s.pair.a.text,
        synonym: s.pair.b.text,
        label: s.pair.label,
        ...(s.pair.oneWay ? { one_way: true } : {}),
        cosine: round(s.cosine),
        flag: s.flag ?? null,
      })),
      problems: findings,
      summary,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    const w = (s: string) => writeHuman(s + '\n');
    w(`${file}: ${summary.pairs} pairs, ${summary.terms} terms · model ${engine.id} · threshold ${formatCosine(t.threshold)}`);
    for (const s of scored) {
      const mark = s.flag ? '✗' : '✓';
      const neg = s.pair.label === 0 ? '  (label 0)' : '';
      w(`${String(at(s.pair.a.range).line).padStart(6)}  ${formatCosine(s.cosine).padStart(5)} ${mark} ${s.pair.a.text} ${s.pair.oneWay ? '=>' : '~'} ${s.pair.b.text}${neg}`);
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
  }
  return findings.length && !values['exit-zero'] ? 1 : 0;
}
