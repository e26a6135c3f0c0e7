/**
 * Diagnostics per file are capped: the Problems view is not a database, and a publish of 800,000
 * diagnostics is hundreds of megabytes of JSON. Past `maxPerFile` (setting
 * `synonymLens.diagnostics.maxPerFile`):
 * 1. a problem repeated on many rows (one code on more than a tenth of the cap) collapses into its
 *    first diagnostic, saying on how many more rows it occurs;
 * 2. if that is still too many, the first `maxPerFile - 1` in document order are kept and one
 *    summary diagnostic at the top of the file says how many more there are and how to list them
 *    all: the command "Show All Problems" (its quick fix; `synonymLens/problems` pages through
 *    the uncapped list) or the command line's `check`, which prints every one.
 * Under the cap nothing changes.
 */
import * as l10n from '@vscode/l10n';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { DiagnosticCodes, diagnosticSource } from '../shared/protocol';
import { codeDescription } from './diagnostics';


const byPosition = (x: Diagnostic, y: Diagnostic) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character;
const count = (n: number) => n.toLocaleString('en-US');

/**
 * Diagnostics made on demand: a publish that collapses a code (rule 1) keeps only its first, so a
 * list of 50,000 low-similarity warnings need not be built for every version of a document.
 */
export interface LazyDiagnostics {
  /** How many diagnostics of each code the list holds. */
  readonly counts: ReadonlyMap<string, number>;
  /** Those whose code is not in `skip`, in list order. */
  except(skip: ReadonlySet<string>): Diagnostic[];
  /** The first diagnostic of each code of `codes` the list holds, in list order. */
  firsts(codes: ReadonlySet<string>): Diagnostic[];
}

/** A publish's diagnostics: lists as built, or made on demand, one after the other. */
export type DiagnosticParts = readonly (readonly Diagnostic[] | LazyDiagnostics)[];

const isLazy = (part: readonly Diagnostic[] | LazyDiagnostics): part is LazyDiagnostics => !Array.isArray(part);

/** `diagnostics` within `maxPerFile` (rules in the module comment); `file` names the file in the summary. */
export function capDiagnostics(diagnostics: Diagnostic[], maxPerFile: number, file: string): Diagnostic[] {
  return capParts([diagnostics], maxPerFile, file);
}

/**
 * `capDiagnostics` of the parts' concatenation, making the diagnostics of a lazy part only as far
 * as the cap keeps them.
 */
export function capParts(parts: DiagnosticParts, maxPerFile: number, file: string): Diagnostic[] {
  const byCode = new Map<string, number>();
  let total = 0;
  for (const part of parts) {
    if (isLazy(part)) for (const [code, n] of part.counts) {
      byCode.set(code, (byCode.get(code) ?? 0) + n);
      total += n;
    }
    else {
      for (const d of part) byCode.set(String(d.code), (byCode.get(String(d.code)) ?? 0) + 1);
      total += part.length;
    }
  }
  if (total <= maxPerFile) return parts.length === 1 && !isLazy(parts[0]) ? (parts[0] as Diagnostic[]) : parts.flatMap((part) => (isLazy(part) ? part.except(new Set()) : part));
  const repeatAt = Math.max(2, Math.floor(maxPerFile / 10));
  const repeated = new Set([...byCode].filter(([, n]) => n > repeatAt).map(([code]) => code));
  const firstOf = new Map<string, Diagnostic>();
  const kept: Diagnostic[] = [];
  for (const part of parts) {
    if (isLazy(part)) {
      for (const d of part.except(repeated)) kept.push(d);
      const wanted = new Set([...repeated].filter((code) => !firstOf.has(code)));
      if (wanted.size > 0) for (const d of part.firsts(wanted)) firstOf.set(String(d.code), d);
      continue;
    }
    for (const d of part) {
      const code = String(d.code);
      if (!repeated.has(code)) kept.push(d);
      else if (!firstOf.has(code)) firstOf.set(code, d);
    }
  }
  for (const [code, d] of firstOf) {
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    kept.push({ ...d, message: l10n.t('{0} — and {1} more rows with this problem ({2})', message, count(byCode.get(code)! - 1), code) });
  }
  kept.sort(byPosition);
  if (kept.length <= maxPerFile) return kept;
  const shown = kept.slice(0, Math.max(0, maxPerFile - 1));
  shown.push({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: DiagnosticCodes.tooManyDiagnostics,
    codeDescription: codeDescription(DiagnosticCodes.tooManyDiagnostics),
    source: diagnosticSource,
    message: l10n.t(
      '{0} more problems are not shown: at most {1} per file (setting synonymLens.diagnostics.maxPerFile). To see them all, run the command "Synonym Lens: Show All Problems" (a quick fix here) or: synonym-lens check "{2}"',
      count(kept.length - shown.length),
      count(maxPerFile),
      file,
    ),
  });
  return shown;
}
