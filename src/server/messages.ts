/**
 * The language server's user-visible texts in the editor's display language: diagnostics
 * messages, hover labels, code action titles and progress (hover.ts, codeActions.ts, server.ts
 * and downloadHandler.ts call `l10n.t` for their own). The client passes VS Code's l10n bundle
 * (`vscode.l10n.bundle`) in `initializationOptions.l10nBundle` and `configureL10n` loads it; without
 * one `l10n.t` returns the English message, so the CLI, the tests and an English UI read exactly
 * what core writes (test/unit/serverMessages.test.ts checks each English text against core's).
 *
 * Every `l10n.t` takes a literal message, so test/unit/l10n.test.ts can check the zh-cn bundle.
 */
import * as l10n from '@vscode/l10n';
import type { Pair, PairIssue, Problem, ProblemMessageId } from '../core/csv/types';
import { formatCosine, type PairFlag, type Thresholds } from '../core/scoring';

type Arg = string | number;

/** Loads a bundle (`{ english: translation }`); anything that is not one means English. */
export function configureL10n(bundle: unknown): boolean {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    l10n.config({ contents: {} });
    return false;
  }
  const contents: Record<string, string | { message: string; comment: string[] }> = {};
  for (const [k, v] of Object.entries(bundle as Record<string, unknown>)) {
    if (typeof v === 'string') contents[k] = v;
    else if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') contents[k] = { message: (v as { message: string }).message, comment: [] };
  }
  l10n.config({ contents });
  return true;
}

/** One function per parser message of core (`PROBLEM_MESSAGES`); the compiler keeps the table complete. */
export const problemTexts: Readonly<Record<ProblemMessageId, (...args: Arg[]) => string>> = {
  textAfterClosingQuote: (line, column) =>
    l10n.t('Line {0}, column {1}: text after the closing quote. A quote inside a quoted field must be doubled ("").', line!, column!),
  unterminatedQuote: (line, column) =>
    l10n.t('Line {0}, column {1}: the quote is never closed. The field is read up to the end of its line; add the closing quote.', line!, column!),
  quoteInUnquotedField: (line, column) =>
    l10n.t('Line {0}, column {1}: quote inside an unquoted field. Quote the whole field (nothing before the opening quote) and double inner quotes.', line!, column!),
  singleCell: (line) => l10n.t('Line {0} has a single cell; a row needs a term and at least one synonym.', line!),
  emptyTerm: (line) => l10n.t('Line {0}: the term (column 1) is empty.', line!),
  emptyBetweenSynonyms: (line, column) => l10n.t('Line {0}, column {1}: empty cell between synonyms.', line!, column!),
  noSynonym: (line) => l10n.t('Line {0} has no synonym.', line!),
  invalidLabel: (line, column, label) => l10n.t('Line {0}, column {1}: the label is "{2}"; expected 1 (synonyms) or 0 (not synonyms).', line!, column!, label!),
  emptyLabel: (line, column) => l10n.t('Line {0}, column {1}: the label is empty; expected 1 (synonyms) or 0 (not synonyms).', line!, column!),
  missingLabel: (line, columns, header) => l10n.t('Line {0} has {1} columns; the header has {2} (the label is missing).', line!, columns!, header!),
  extraColumns: (line, columns, header) =>
    l10n.t('Line {0} has {1} columns; the header has {2}. Cells beyond the header are ambiguous when there is a label column.', line!, columns!, header!),
  nulCharacter: (line) => l10n.t('Line {0}: NUL character (U+0000); the file may be binary or in UTF-16.', line!),
};

/** A parser problem's message in the display language. */
export function problemMessage(p: Problem): string {
  const text = problemTexts[p.messageId];
  return text ? text(...p.args) : p.message;
}

const lineOf = (p: Pair) => p.a.range.start.line + 1;

/** A pair issue's message (core's `PairIssue.message` in the display language). */
export function issueMessage(issue: PairIssue): string {
  const { pair, first } = issue;
  const show = `"${pair.a.text}" ~ "${pair.b.text}"`;
  const line = lineOf(pair);
  switch (issue.kind) {
    case 'self-pair':
      return l10n.t('Line {0}: {1} pairs a term with itself.', line, show);
    case 'conflicting-label':
      return l10n.t('Line {0}: {1} has label {2}, but line {3} gives it label {4}.', line, show, pair.label, lineOf(first!), first!.label);
    case 'duplicate':
      return l10n.t('Line {0}: {1} repeats line {2}.', line, show, lineOf(first!));
    case 'reversed-duplicate':
      return l10n.t('Line {0}: {1} repeats line {2} in reverse order.', line, show, lineOf(first!));
  }
}

/** The related-information line of a repeated or conflicting pair: where it first appears. */
export function firstPairMessage(first: Pair): string {
  return l10n.t('first: {0} ~ {1} (label {2}, line {3})', first.a.text, first.b.text, first.label, lineOf(first));
}

/** A flagged pair's message (core's `pairFlagMessage`, which the CLI prints, in the display language). */
export function flagMessage(pair: Pair, cosine: number, flag: PairFlag, t: Thresholds): string {
  const shown = `${pair.a.text} ~ ${pair.b.text}`;
  if (flag === 'low-similarity') {
    return l10n.t('{0}: cosine {1} < {2} — the model does not treat these as synonyms', shown, formatCosine(cosine), formatCosine(t.threshold));
  }
  return l10n.t('{0}: cosine {1} > {2} although labelled 0 — the model confuses these non-synonyms', shown, formatCosine(cosine), formatCosine(t.negativeThreshold));
}

export function unknownTermMessage(term: string, modelId: string, units: number): string {
  return l10n.t('{0}: the model {1} knows none of its {2} unit(s) (all unknown tokens), so its vector says nothing about its meaning', term, modelId, units);
}

export function termTooLongMessage(term: string, units: number, max: number | undefined): string {
  return l10n.t("{0}: {1} units exceed the model's input of {2}; the rest is cut off before embedding", term, units, String(max));
}

/** The inlay hint's tooltip: on which side of the threshold a pair's cosine falls. */
export function pairVerdict(pair: Pair, cosine: number, t: Thresholds): string {
  const c = formatCosine(cosine);
  if (pair.label === 1) {
    const th = formatCosine(t.threshold);
    return cosine < t.threshold
      ? l10n.t('cosine {0} < {1} (threshold): below — the model does not treat these as synonyms', c, th)
      : l10n.t('cosine {0} ≥ {1} (threshold): above — the model treats these as synonyms', c, th);
  }
  const nt = formatCosine(t.negativeThreshold);
  return cosine > t.negativeThreshold
    ? l10n.t('cosine {0} > {1} (negative threshold): above — labelled 0, but the model finds them similar', c, nt)
    : l10n.t('cosine {0} ≤ {1} (negative threshold): below — agrees with label 0', c, nt);
}
