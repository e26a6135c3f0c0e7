/** Reading a report JSON, without `vscode` (tested in plain Node). */
import type { EvaluationReport } from '../../shared/webviewProtocol';

/**
 * Checks that `x` looks like a report, accepting a bare `Evaluation` (wrapped as `before`).
 * Throws an Error naming what is missing.
 */
export function normalizeReport(x: unknown): EvaluationReport {
  if (typeof x !== 'object' || x === null) throw new Error('The report is not a JSON object.');
  const o = x as Record<string, unknown>;
  const isEvaluation = (e: unknown) => typeof e === 'object' && e !== null && typeof (e as { n?: unknown }).n === 'number';
  if (isEvaluation(o.before)) {
    if (o.after !== undefined && !isEvaluation(o.after)) throw new Error('The report\'s "after" is not an evaluation object.');
    return o as unknown as EvaluationReport;
  }
  if (isEvaluation(o)) return { before: o as unknown as EvaluationReport['before'] };
  throw new Error('The report has no "before" evaluation (an object with "n", "accuracy", "report", …).');
}

/** The kinds of report that each get one panel: a fine-tuning run's (before and after) and an evaluation's. */
export type ReportKind = 'fine-tune' | 'evaluation';

/** A report with an `after` evaluation comes from a fine-tuning run; one without is an evaluation. */
export function reportKind(report: EvaluationReport): ReportKind {
  return report.after ? 'fine-tune' : 'evaluation';
}
