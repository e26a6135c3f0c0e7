/**
 * Diagnostics of a dictionary: parser problems and pair issues (structural, available at once)
 * and the model's opinion — similarity of each pair, unknown and over-long terms — once vectors
 * exist. Every diagnostic has a code, `source: 'synonym-lens'` and a link to docs/diagnostics.md.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Pair, PairIssueKind } from '../core/csv/types';
import { flagPair, formatCosine, pairFlagMessage, type Thresholds } from '../core/scoring';
import { DiagnosticCodes, diagnosticSource } from '../shared/protocol';
import type { SeveritySetting, SeveritySettings, Settings } from '../shared/settings';
import type { Analysis } from './documents';
import { analyzeTerm, type ModelEntry } from './models';

/**
 * Where the docs live: the `docs/` folder shipped next to the bundles (`dist/server.js` →
 * `../docs`), so a diagnostic's link works offline and always matches the installed version.
 */
export const docsDir = path.join(__dirname, '..', 'docs');

export function diagnosticDocUrl(code: string): string {
  return `${pathToFileURL(path.join(docsDir, 'diagnostics.md')).href}#${code}`;
}

/** Attached as `Diagnostic.data` so code actions know what a diagnostic is about without re-parsing its message. */
export interface DiagnosticData {
  /** Data row index of the pair or cell. */
  row: number;
  /** For pair diagnostics: the synonym cell's column. */
  column?: number;
  /** Document version the diagnostic was computed for. */
  version: number;
  cosine?: number;
}

const issueCodes: Record<PairIssueKind, string> = {
  duplicate: DiagnosticCodes.duplicatePair,
  'reversed-duplicate': DiagnosticCodes.reversedDuplicatePair,
  'self-pair': DiagnosticCodes.selfPair,
  'conflicting-label': DiagnosticCodes.conflictingLabel,
};

const issueSeverity: Record<PairIssueKind, keyof SeveritySettings> = {
  duplicate: 'duplicate',
  'reversed-duplicate': 'duplicate',
  'self-pair': 'selfPair',
  'conflicting-label': 'conflictingLabel',
};

export function toSeverity(s: SeveritySetting): DiagnosticSeverity | undefined {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
    default:
      return undefined;
  }
}

function make(code: string, severity: DiagnosticSeverity, range: Diagnostic['range'], message: string, data?: DiagnosticData): Diagnostic {
  const d: Diagnostic = { range, severity, code, codeDescription: { href: diagnosticDocUrl(code) }, source: diagnosticSource, message };
  if (data) d.data = data;
  return d;
}

/** Parser problems and pair issues: everything that needs no model. */
export function structuralDiagnostics(a: Analysis, settings: Settings): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of a.dict.problems) {
    const data: DiagnosticData | undefined = p.row !== undefined ? { row: p.row, version: a.version } : undefined;
    out.push(make(p.code, p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, a.docRange(p.range), p.message, data));
  }
  for (const issue of a.issues) {
    const severity = toSeverity(settings.diagnostics.severity[issueSeverity[issue.kind]]);
    if (severity === undefined) continue;
    const { pair, first } = issue;
    const cell = issue.kind === 'conflicting-label' ? (a.dict.rows[pair.row].labelCell ?? pair.b) : pair.b;
    const d = make(issueCodes[issue.kind], severity, a.docRange(cell.range), issue.message, {
      row: pair.row,
      column: pair.b.column,
      version: a.version,
    });
    if (first) {
      d.relatedInformation = [
        {
          location: { uri: a.uri, range: a.docRange(first.b.range) },
          message: `first: ${first.a.text} ~ ${first.b.text} (label ${first.label}, line ${first.a.range.start.line + 1})`,
        },
      ];
    }
    out.push(d);
  }
  return out;
}

export interface ModelDiagnostics {
  diagnostics: Diagnostic[];
  /** Pairs left unscored because a vector is missing. */
  unscored: number;
}

/** The model's diagnostics for the pairs and terms whose vectors exist now. */
export function modelDiagnostics(a: Analysis, settings: Settings, entry: ModelEntry, t: Thresholds): ModelDiagnostics {
  const out: Diagnostic[] = [];
  const store = entry.store;
  if (!store || entry.state !== 'ready') return { diagnostics: out, unscored: a.dict.pairs.length };
  const sev = settings.diagnostics.severity;
  const low = toSeverity(sev.lowSimilarity);
  const neg = toSeverity(sev.negativeTooSimilar);
  let unscored = 0;
  for (const pair of a.dict.pairs) {
    const c = store.cosine(pair.a.text, pair.b.text);
    if (c === undefined) {
      unscored++;
      continue;
    }
    const flag = flagPair(pair.label, c, t);
    const severity = flag === 'low-similarity' ? low : flag === 'negative-too-similar' ? neg : undefined;
    if (!flag || severity === undefined) continue;
    out.push(
      make(flag, severity, a.docRange(pair.b.range), pairFlagMessage({ pair, cosine: c, flag }, t), {
        row: pair.row,
        column: pair.b.column,
        version: a.version,
        cosine: c,
      }),
    );
  }
  const unknown = toSeverity(sev.unknownTerm);
  const long = toSeverity(sev.termTooLong);
  if ((unknown !== undefined || long !== undefined) && entry.engine) {
    const max = entry.engine.maxInputLength;
    for (const row of a.dict.rows) {
      for (const cell of row.term ? [row.term, ...row.synonyms] : row.synonyms) {
        const an = analyzeTerm(entry, cell.text);
        if (!an) continue;
        const data = { row: row.index, column: cell.column, version: a.version };
        if (an.unknownOnly && unknown !== undefined) {
          out.push(
            make(
              DiagnosticCodes.unknownTerm,
              unknown,
              a.docRange(cell.range),
              `${cell.text}: the model ${entry.modelId} knows none of its ${an.units} unit(s) (all unknown tokens), so its vector says nothing about its meaning`,
              data,
            ),
          );
        }
        if (an.truncated && long !== undefined) {
          out.push(
            make(
              DiagnosticCodes.termTooLong,
              long,
              a.docRange(cell.range),
              `${truncate(cell.text)}: ${an.units} units exceed the model's input of ${max}; the rest is cut off before embedding`,
              data,
            ),
          );
        }
      }
    }
  }
  return { diagnostics: out, unscored };
}

/** A tooltip line for a pair's cosine, used by inlay hints. */
export function pairVerdict(pair: Pair, cosine: number, t: Thresholds): string {
  const c = formatCosine(cosine);
  if (pair.label === 1) {
    return cosine < t.threshold
      ? `cosine ${c} < ${formatCosine(t.threshold)} (threshold): below — the model does not treat these as synonyms`
      : `cosine ${c} ≥ ${formatCosine(t.threshold)} (threshold): above — the model treats these as synonyms`;
  }
  return cosine > t.negativeThreshold
    ? `cosine ${c} > ${formatCosine(t.negativeThreshold)} (negative threshold): above — labelled 0, but the model finds them similar`
    : `cosine ${c} ≤ ${formatCosine(t.negativeThreshold)} (negative threshold): below — agrees with label 0`;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
