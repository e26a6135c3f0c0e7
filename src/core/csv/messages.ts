/**
 * The texts of the parser's problems, one template per `ProblemMessageId`, with `{n}` placeholders
 * filled from `Problem.args`. `Problem.message` is the English text (what the CLI prints); the
 * language server shows the same message in the editor's display language from `messageId` and
 * `args` (src/server/messages.ts, whose English is checked against these templates).
 */
import type { ProblemMessageId } from './types';
import { SOLR_MESSAGES } from '../formats/solr';
import { ES_MESSAGES } from '../formats/es';

export const PROBLEM_MESSAGES: Readonly<Record<ProblemMessageId, string>> = {
  textAfterClosingQuote: 'Line {0}, column {1}: text after the closing quote. A quote inside a quoted field must be doubled ("").',
  unterminatedQuote: 'Line {0}, column {1}: the quote is never closed. The field is read up to the end of its line; add the closing quote.',
  quoteInUnquotedField: 'Line {0}, column {1}: quote inside an unquoted field. Quote the whole field (nothing before the opening quote) and double inner quotes.',
  singleCell: 'Line {0} has a single cell; a row needs a term and at least one synonym.',
  emptyTerm: 'Line {0}: the term (column 1) is empty.',
  emptyBetweenSynonyms: 'Line {0}, column {1}: empty cell between synonyms.',
  noSynonym: 'Line {0} has no synonym.',
  invalidLabel: 'Line {0}, column {1}: the label is "{2}"; expected 1 (synonyms) or 0 (not synonyms).',
  emptyLabel: 'Line {0}, column {1}: the label is empty; expected 1 (synonyms) or 0 (not synonyms).',
  missingLabel: 'Line {0} has {1} columns; the header has {2} (the label is missing).',
  extraColumns: 'Line {0} has {1} columns; the header has {2}. Cells beyond the header are ambiguous when there is a label column.',
  nulCharacter: 'Line {0}: NUL character (U+0000); the file may be binary or in UTF-16.',
  ...SOLR_MESSAGES,
  ...ES_MESSAGES,
};

/**
 * An input problem told by a message id, its arguments and a 1-based line (0: not from a file):
 * the English text is the message; a front end may say it in another language from id and args.
 */
export class LineProblemError<I extends string> extends Error {
  constructor(
    templates: Readonly<Record<I, string>>,
    readonly messageId: I,
    readonly args: readonly (string | number)[],
    readonly line: number,
  ) {
    super(formatMessage(templates[messageId], args));
  }
}

/** Fills `{0}`, `{1}` … of `template` from `args` in one pass (an argument's own braces stay as they are). */
export function formatMessage(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}
