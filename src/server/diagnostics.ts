/**
 * Diagnostics of a dictionary: parser problems and pair issues (structural, available at once)
 * and the model's opinion — similarity of each pair, unknown and over-long terms — once vectors
 * exist. Every diagnostic has a code, `source: 'synonym-lens'` and a link to docs/diagnostics.md.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Cell, Pair, PairIssue, PairIssueKind, Row } from '../core/csv/types';
import { flagPair, type PairFlag, type Thresholds } from '../core/scoring';
import { runSteps, type Steps } from '../core/steps';
import type { DecisionIndex } from '../core/decisions';
import type { Decided } from './decisionsFile';
import { visibleText } from '../core/visible';
import { DiagnosticCodes, diagnosticSource } from '../shared/protocol';
import type { SeveritySetting, SeveritySettings, Settings } from '../shared/settings';
import type { Analysis, DocumentIndex } from './documents';
import { firstPairMessage, flagMessage, issueMessage, problemMessage, termTooLongMessage, unknownTermMessage } from './messages';
import type { TextAnalysis } from '../runtime/model/engine';
import { analyzeTerm, type ModelEntry } from './models';
import type { LazyDiagnostics } from './diagnosticsCap';
import type { VectorStore } from './vocabulary';

/**
 * Where the docs live: the `docs/` folder shipped next to the bundles (`dist/server.js` →
 * `../docs`), so a diagnostic's link works offline and always matches the installed version.
 */
export const docsDir = path.join(__dirname, '..', 'docs');

const docUrls = new Map<string, string>();

export function diagnosticDocUrl(code: string): string {
  let url = docUrls.get(code);
  if (url === undefined) docUrls.set(code, (url = `${pathToFileURL(path.join(docsDir, 'diagnostics.md')).href}#${code}`));
  return url;
}

/**
 * One `codeDescription` per code, shared by all diagnostics of that code: a publish can carry
 * thousands of diagnostics (one per flagged pair), each built again for every version.
 */
const codeDescriptions = new Map<string, Readonly<{ href: string }>>();

export function codeDescription(code: string): { href: string } {
  let d = codeDescriptions.get(code);
  if (!d) codeDescriptions.set(code, (d = Object.freeze({ href: diagnosticDocUrl(code) })));
  return d;
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
  // One literal per shape (no property added afterwards): thousands are built per publish.
  const codeDesc = codeDescription(code);
  // Terms in the message show their control and bidi characters (a U+202E cannot reorder it).
  message = visibleText(message, '\n');
  return data
    ? { range, severity, code, codeDescription: codeDesc, source: diagnosticSource, message, data }
    : { range, severity, code, codeDescription: codeDesc, source: diagnosticSource, message };
}

/** Parser problems and pair issues: everything that needs no model. */
export function structuralDiagnostics(a: Analysis, settings: Settings): Diagnostic[] {
  const [problems, issues] = structuralParts(a, settings);
  return problems.concat(issues.except(new Set()));
}

/**
 * `structuralDiagnostics` as a publish's parts: the parser's problems, then the pair issues made
 * on demand (a 200k-row file has hundreds of duplicate pairs, which the cap collapses into one).
 */
export function structuralParts(a: Analysis, settings: Settings): [Diagnostic[], IssueDiagnosticList] {
  const out: Diagnostic[] = [];
  for (const p of a.dict.problems) {
    const data: DiagnosticData | undefined = p.row !== undefined ? { row: p.row, version: a.version } : undefined;
    out.push(make(p.code, p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, a.docRange(p.range), problemMessage(p), data));
  }
  return [out, new IssueDiagnosticList(a, settings)];
}

/** The pair issues' diagnostics of one version, made when asked (`LazyDiagnostics`). */
class IssueDiagnosticList implements LazyDiagnostics {
  readonly counts = new Map<string, number>();

  constructor(
    private readonly a: Analysis,
    private readonly settings: Settings,
  ) {
    for (const issue of a.issues) {
      if (this.severityOf(issue) === undefined) continue;
      const code = issueCodes[issue.kind];
      this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    }
  }

  private severityOf(issue: PairIssue): DiagnosticSeverity | undefined {
    return toSeverity(this.settings.diagnostics.severity[issueSeverity[issue.kind]]);
  }

  except(skip: ReadonlySet<string>): Diagnostic[] {
    return this.made((code) => !skip.has(code));
  }

  firsts(codes: ReadonlySet<string>): Diagnostic[] {
    const left = new Set(codes);
    return this.made((code) => left.delete(code));
  }

  private made(want: (code: string) => boolean): Diagnostic[] {
    const { a } = this;
    const out: Diagnostic[] = [];
    for (const issue of a.issues) {
      const severity = this.severityOf(issue);
      if (severity === undefined || !want(issueCodes[issue.kind])) continue;
      const { pair, first } = issue;
      const cell = issue.kind === 'conflicting-label' ? (a.dict.rows[pair.row].labelCell ?? pair.b) : pair.b;
      const d = make(issueCodes[issue.kind], severity, a.docRange(cell.range), issueMessage(issue), {
        row: pair.row,
        column: pair.b.column,
        version: a.version,
      });
      if (first) {
        d.relatedInformation = [
          {
            location: { uri: a.uri, range: a.docRange(first.b.range) },
            message: visibleText(firstPairMessage(first), '\n'),
          },
        ];
      }
      out.push(d);
    }
    return out;
  }
}

export interface ModelDiagnostics {
  diagnostics: Diagnostic[];
  /** Pairs left unscored because a vector is missing. */
  unscored: number;
}

/** What the model says about one row: flagged pairs, unknown or over-long terms, pairs without vectors yet. */
interface RowFindings {
  row: Row;
  /** Set when the row changed or left (the entry is then dropped from the order). */
  stale?: boolean;
  /** Flagged pairs, in pair order, with their message (fixed for a given cosine and thresholds). */
  flags: { pair: Pair; cosine: number; flag: PairFlag; severity: DiagnosticSeverity; message: string }[];
  /** Term cells (term first, then synonyms) the model knows nothing of or cuts off. */
  cells: { cell: Cell; analysis: TextAnalysis }[];
  /** Pairs left unscored because a vector is missing. */
  unscored: number;
}

/** Everything the findings of a row depend on besides the row itself. */
interface FindingContext {
  entry: ModelEntry;
  store: VectorStore;
  t: Thresholds;
  low?: DiagnosticSeverity;
  neg?: DiagnosticSeverity;
  unknown?: DiagnosticSeverity;
  long?: DiagnosticSeverity;
  /** Verdicts of the decisions file beside the dictionary: they override the pairs' labels. */
  decided?: DecisionIndex;
  /** Identifies the above (the objects by identity, the rest by value). */
  key: string;
}

/**
 * The model's findings per row of one document, kept across versions: an edit re-examines the
 * rows it added (and those still waiting for vectors), not all 20,000. Only rows with a finding
 * are kept. Starts over when the document index, the model, thresholds or severities change.
 */
class ModelFindings {
  key = '';
  entry?: ModelEntry;
  store?: VectorStore;
  readonly rows = new Map<Row, RowFindings>();
  /** Rows with unscored pairs: looked at again on every run until their vectors exist. */
  readonly waiting = new Set<Row>();
  /**
   * The entries of `rows` in document order. Kept rather than sorted per run: rows keep their
   * relative order across edits (later rows are renumbered in place), so only entries that come
   * need placing and those that go need dropping; and the publish walks this array rather than
   * looking rows up (memory touched per edit is what costs at thousands of diagnostics).
   */
  private ordered: RowFindings[] = [];
  /** Entries made since `inOrder` last ran. */
  private entered: RowFindings[] = [];
  private left = false;
  /** How many diagnostics of each code the entries make (kept up to date entry by entry). */
  readonly counts = new Map<string, number>();

  look(a: Analysis, row: Row, ctx: FindingContext): void {
    this.forget(row, ctx);
    const found = findingsOf(a, row, ctx);
    if (!found) return;
    this.rows.set(row, found);
    this.entered.push(found);
    this.tally(found, 1, ctx);
    if (found.unscored > 0) this.waiting.add(row);
  }

  forget(row: Row, ctx: FindingContext): void {
    const old = this.rows.get(row);
    if (!old) return;
    old.stale = true;
    this.rows.delete(row);
    this.waiting.delete(row);
    this.tally(old, -1, ctx);
    this.left = true;
  }

  private tally(f: RowFindings, by: 1 | -1, ctx: FindingContext): void {
    const add = (code: string) => this.counts.set(code, (this.counts.get(code) ?? 0) + by);
    for (const { flag } of f.flags) add(flag);
    for (const { analysis: an } of f.cells) {
      if (an.unknownOnly && ctx.unknown !== undefined) add(DiagnosticCodes.unknownTerm);
      if (an.truncated && ctx.long !== undefined) add(DiagnosticCodes.termTooLong);
    }
  }

  clear(): void {
    this.counts.clear();
    this.rows.clear();
    this.waiting.clear();
    this.ordered = [];
    this.entered = [];
    this.left = false;
  }

  /** The entries, in document order. */
  inOrder(): RowFindings[] {
    if (this.left) this.ordered = this.ordered.filter((f) => !f.stale);
    const entered = this.entered.filter((f) => !f.stale).sort((x, y) => x.row.index - y.row.index);
    if (this.ordered.length === 0) this.ordered = entered;
    else {
      for (const f of entered) {
        let lo = 0;
        let hi = this.ordered.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.ordered[mid].row.index < f.row.index) lo = mid + 1;
          else hi = mid;
        }
        this.ordered.splice(lo, 0, f);
      }
    }
    this.entered = [];
    this.left = false;
    return this.ordered;
  }
}

const findingsByIndex = new WeakMap<DocumentIndex, ModelFindings>();

function findingsOf(a: Analysis, row: Row, ctx: FindingContext): RowFindings | undefined {
  const { store, t, entry } = ctx;
  let out: RowFindings | undefined;
  const found = () => (out ??= { row, flags: [], cells: [], unscored: 0 });
  for (const pair of a.pairsOf(row.index)) {
    const cosine = store.cosine(pair.a.text, pair.b.text);
    if (cosine === undefined) {
      found().unscored++;
      continue;
    }
    // A pair decided in the decisions file is scored with that verdict (a rejected pair is a negative).
    const label = ctx.decided?.get(pair.a.text, pair.b.text)?.label ?? pair.label;
    const flag = flagPair(label, cosine, t);
    const severity = flag === 'low-similarity' ? ctx.low : flag === 'negative-too-similar' ? ctx.neg : undefined;
    if (!flag || severity === undefined) continue;
    found().flags.push({ pair, cosine, flag, severity, message: flagMessage(pair, cosine, flag, t) });
  }
  if ((ctx.unknown !== undefined || ctx.long !== undefined) && entry.engine) {
    for (const cell of row.term ? [row.term, ...row.synonyms] : row.synonyms) {
      const analysis = analyzeTerm(entry, cell.text);
      if (!analysis) continue;
      if ((analysis.unknownOnly && ctx.unknown !== undefined) || (analysis.truncated && ctx.long !== undefined)) found().cells.push({ cell, analysis });
    }
  }
  return out;
}

/**
 * The model's diagnostics for the pairs and terms whose vectors exist now. Incremental across the
 * versions of a document (see `ModelFindings`); the list itself is rebuilt each time, since
 * every diagnostic carries the version and ranges move with edits.
 */
export function modelDiagnostics(a: Analysis, settings: Settings, entry: ModelEntry, t: Thresholds, decided?: Decided): ModelDiagnostics {
  return runSteps(modelDiagnosticsSteps(a, settings, entry, t, decided));
}

/** Rows looked at (and diagnostics made) between two pauses of `modelDiagnosticsSteps`. */
const MODEL_STEP = 512;

/**
 * `modelDiagnostics` as a stepwise computation (src/core/steps.ts), pausing every few thousand
 * rows: a large file's pass over every row runs in the server's time slices. Stopped before its
 * end, it leaves the document's findings to be rebuilt whole by the next pass (the rows it took
 * from the index's delta were not all looked at).
 */
export function* modelDiagnosticsSteps(a: Analysis, settings: Settings, entry: ModelEntry, t: Thresholds, decided?: Decided): Steps<ModelDiagnostics> {
  const list = yield* modelDiagnosticListSteps(a, settings, entry, t, decided);
  return { diagnostics: yield* list.steps(() => true), unscored: list.unscored };
}

/**
 * `modelDiagnosticsSteps` up to the diagnostics themselves, made on demand (`ModelDiagnosticList`):
 * a publish capped per file makes only those it keeps.
 */
export function* modelDiagnosticListSteps(a: Analysis, settings: Settings, entry: ModelEntry, t: Thresholds, decided?: Decided): Steps<ModelDiagnosticList> {
  const store = entry.store;
  if (!store || entry.state !== 'ready') return new ModelDiagnosticList(a, [], entry, new Map(), a.dict.pairs.length);
  const sev = settings.diagnostics.severity;
  const low = toSeverity(sev.lowSimilarity);
  const neg = toSeverity(sev.negativeTooSimilar);
  const unknown = toSeverity(sev.unknownTerm);
  const long = toSeverity(sev.termTooLong);
  const ctx: FindingContext = { entry, store, t, low, neg, unknown, long, decided: decided?.index, key: `${t.threshold} ${t.negativeThreshold} ${low} ${neg} ${unknown} ${long} ${decided?.key ?? ''}` };

  let findings = findingsByIndex.get(a.index);
  if (a.superseded || !findings) {
    findings = new ModelFindings();
    // A superseded version's rows belong to its successor now: its findings must not be kept.
    if (!a.superseded) findingsByIndex.set(a.index, findings);
  }
  const changed = a.superseded ? undefined : a.index.rowDelta.take();
  const whole = !changed || findings.key !== ctx.key || findings.entry !== entry || findings.store !== store;
  // Until this pass ends, a pass started meanwhile (this one paused and was then dropped) starts over.
  findings.key = '';
  if (whole) {
    findings.clear();
    findings.entry = entry;
    findings.store = store;
    const rows = a.dict.rows;
    for (let i = 0; i < rows.length; i++) {
      findings.look(a, rows[i], ctx);
      if ((i + 1) % MODEL_STEP === 0) yield { phase: 'rows', done: i + 1, total: rows.length };
    }
  } else {
    for (const row of changed.removed) findings.forget(row, ctx);
    for (const row of changed.added) findings.look(a, row, ctx);
    const waiting = [...findings.waiting];
    for (let i = 0; i < waiting.length; i++) {
      findings.look(a, waiting[i], ctx);
      if ((i + 1) % MODEL_STEP === 0) yield { phase: 'waiting', done: i + 1, total: waiting.length };
    }
  }
  findings.key = ctx.key;

  const rows = findings.inOrder();
  let unscored = 0;
  for (const f of rows) unscored += f.unscored;
  const counts = new Map([...findings.counts].filter(([, n]) => n > 0));
  return new ModelDiagnosticList(a, rows, entry, counts, unscored, unknown, long);
}

/**
 * The model's diagnostics of one version, made from its findings when asked: all of them
 * (`steps`), or as far as a capped publish keeps them (`LazyDiagnostics`). In list order: the
 * flagged pairs by row, then the unknown and over-long terms by row.
 */
export class ModelDiagnosticList implements LazyDiagnostics {
  constructor(
    private readonly a: Analysis,
    private readonly rows: readonly RowFindings[],
    private readonly entry: ModelEntry,
    readonly counts: ReadonlyMap<string, number>,
    /** Pairs left unscored because a vector is missing. */
    readonly unscored: number,
    private readonly unknown?: DiagnosticSeverity,
    private readonly long?: DiagnosticSeverity,
  ) {}

  except(skip: ReadonlySet<string>): Diagnostic[] {
    if ([...this.counts.keys()].every((code) => skip.has(code))) return [];
    return runSteps(this.steps((code) => !skip.has(code)));
  }

  firsts(codes: ReadonlySet<string>): Diagnostic[] {
    const left = new Set([...codes].filter((code) => this.counts.has(code)));
    return runSteps(this.steps((code) => left.delete(code), () => left.size === 0));
  }

  /**
   * Makes the diagnostics whose code `want` accepts (asked once per diagnostic, in list order),
   * pausing every few hundred rows; `done` stops it early (checked between rows).
   */
  *steps(want: (code: string) => boolean, done = () => false): Steps<Diagnostic[]> {
    const { a, rows, entry, unknown, long } = this;
    const out: Diagnostic[] = [];
    // Indexed loops: a capped publish walks every row with findings (54,000 in the 200k-row bench).
    for (let i = 0; i < rows.length && !done(); i++) {
      const flags = rows[i].flags;
      if ((i + 1) % MODEL_STEP === 0) yield { phase: 'diagnostics', done: i + 1, total: rows.length };
      for (let k = 0; k < flags.length; k++) {
        const { pair, cosine, flag, severity, message } = flags[k];
        if (!want(flag)) continue;
        out.push(make(flag, severity, a.docRange(pair.b.range), message, { row: pair.row, column: pair.b.column, version: a.version, cosine }));
      }
    }
    const max = entry.engine?.maxInputLength;
    for (let i = 0; i < rows.length && !done(); i++) {
      const { row, cells } = rows[i];
      if ((i + 1) % MODEL_STEP === 0) yield { phase: 'cells', done: i + 1, total: rows.length };
      if (cells.length === 0) continue;
      for (const { cell, analysis: an } of cells) {
        const data = { row: row.index, column: cell.column, version: a.version };
        if (an.unknownOnly && unknown !== undefined && want(DiagnosticCodes.unknownTerm)) {
          out.push(make(DiagnosticCodes.unknownTerm, unknown, a.docRange(cell.range), unknownTermMessage(cell.text, entry.modelId, an.units), data));
        }
        if (an.truncated && long !== undefined && want(DiagnosticCodes.termTooLong)) {
          out.push(make(DiagnosticCodes.termTooLong, long, a.docRange(cell.range), termTooLongMessage(truncate(cell.text), an.units, max), data));
        }
      }
    }
    return out;
  }
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
