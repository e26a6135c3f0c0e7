/**
 * The parsed state of one document version: dictionary, pair issues, term set, and the lookups
 * the features need (cell at a position, synonym groups, positions of offsets). Built once per
 * version and shared by diagnostics, hover, inlay hints, code actions and custom requests.
 *
 * Versions are incremental: `next` re-parses only the records an edit touched (core's
 * `reparseDictionary`) and carries a `DocumentIndex` — pair issues, term counts, and what changed
 * since each consumer last looked — from one version to the next, so an edit costs what it
 * touches, not the size of the file. The price: rows of an older version are updated in place,
 * so an `Analysis` is valid only until its successor exists (`superseded`).
 */
import type { Position, Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Cell, Dictionary, Pair, PairIssue, Row } from '../core/csv/types';
import type { EditedDocument } from './textDocument';
import { lowerBoundRow as firstPairOfRow, parseDictionary, parseDictionarySteps, reparseIncrementally, type DictionaryChange } from '../core/csv/parse';
import { PairIssueIndex, synonymGroups, termKey } from '../core/dictionary';
import { runSteps, type Steps } from '../core/steps';
import { LineIndex } from '../core/text';
import { formatOfDocument, parseAnyDictionary, type DictionaryFormat } from '../core/formats/dictionary';

/** The format of a document: by language id, else by its file name (`synonymLens.files` globs). */
export function documentFormat(doc: Pick<TextDocument, 'languageId' | 'uri'>): DictionaryFormat {
  return formatOfDocument(doc.languageId, doc.uri);
}

/** Rows (then pairs) indexed between two pauses of `DocumentIndex.build`. */
const INDEX_STEP = 1024;

/** Additions and removals since a consumer last took them; an addition undone before that cancels out. */
export class Delta<T> {
  readonly added = new Set<T>();
  readonly removed = new Set<T>();

  add(x: T): void {
    if (!this.removed.delete(x)) this.added.add(x);
  }

  remove(x: T): void {
    if (!this.added.delete(x)) this.removed.add(x);
  }

  /** The pending changes, leaving this delta empty. */
  take(): { added: T[]; removed: T[] } {
    const out = { added: [...this.added], removed: [...this.removed] };
    this.added.clear();
    this.removed.clear();
    return out;
  }
}

/**
 * What one document's versions share, updated in place by each edit. A full re-parse (first
 * open, an edit reaching the header, an unclosed quote) makes a new index, which tells every
 * consumer to start over.
 */
export class DocumentIndex {
  readonly pairIssues: PairIssueIndex;
  /** Term text → number of term and synonym cells holding it. */
  private readonly termCounts = new Map<string, number>();
  /**
   * Every distinct term text (trimmed cell text) of term and synonym cells (a view of the counts,
   * which are completed first when a stepwise build left them for later: see `countSteps`).
   */
  readonly terms: Iterable<string> = {
    [Symbol.iterator]: () => {
      this.ensureCounted();
      return this.termCounts.keys();
    },
  };
  /** Terms that appeared or vanished since the vector store was last told (see `server.ts`). */
  readonly storeDelta = new Delta<string>();
  /** Terms that appeared since the last check that every term has a vector. */
  readonly unembedded = new Set<string>();
  /** The vector store in which every term but `unembedded` was last found embedded. */
  embeddedIn?: object;
  /** Rows added and removed since the model's diagnostics last looked (see `diagnostics.ts`). */
  readonly rowDelta = new Delta<Row>();
  /** Whether term changes are recorded in `storeDelta` and `unembedded` (not while building). */
  private tracking = false;
  /** The first version's rows while their terms are not all counted yet (see `countSteps`). */
  private uncounted?: readonly Row[];
  /** How many of `uncounted` are counted. */
  private countedRows = 0;

  /** `fill: false` leaves the index empty for `build` to fill in steps. */
  constructor(dict: Dictionary, fill = true) {
    this.pairIssues = new PairIssueIndex();
    this.uncounted = dict.rows;
    if (fill) {
      runSteps(this.pairSteps(dict.pairs));
      this.ensureCounted();
    }
  }

  /**
   * The index of a dictionary built stepwise (src/core/steps.ts), pausing every few thousand pairs:
   * the pair issues and the pair graph the hover reads. The term counts are left for later (the
   * first publish needs only the issues): `countSteps` counts them stepwise, and whatever needs
   * them first (`terms`, an edit) completes them at once.
   */
  static *build(dict: Dictionary): Steps<DocumentIndex> {
    const index = new DocumentIndex(dict, false);
    yield* index.pairSteps(dict.pairs);
    return index;
  }

  private *pairSteps(pairs: readonly Pair[]): Steps<void> {
    this.pairIssues.reserve(pairs.length);
    // Pairs come in pair order, so adding them a slice at a time groups them as adding all at once.
    for (let i = 0; i < pairs.length; i += INDEX_STEP) {
      this.pairIssues.update([], pairs.slice(i, i + INDEX_STEP));
      if (i + INDEX_STEP < pairs.length) yield { phase: 'pairs', done: i + INDEX_STEP, total: pairs.length };
    }
  }

  /**
   * Counts the first version's terms, pausing every few thousand rows; nothing to do once they
   * are counted. Several runs may interleave (a request completing them meanwhile): each goes on
   * from the rows counted so far.
   */
  *countSteps(): Steps<void> {
    // No deltas for the first version: a new index makes every consumer start from the whole set.
    for (let rows = this.uncounted; rows !== undefined && this.countedRows < rows.length; rows = this.uncounted) {
      this.countRow(rows[this.countedRows++], 1);
      if (this.countedRows % INDEX_STEP === 0 && this.countedRows < rows.length) yield { phase: 'index', done: this.countedRows, total: rows.length };
    }
    if (this.uncounted === undefined) return;
    this.uncounted = undefined;
    this.tracking = true;
  }

  /** Whether the term counts are complete (they are but after a stepwise `build`, see `countSteps`). */
  get termsCounted(): boolean {
    return this.uncounted === undefined;
  }

  /** Completes the term counts at once (see `countSteps`). */
  ensureCounted(): void {
    if (this.uncounted !== undefined) runSteps(this.countSteps());
  }

  /** Applies an incremental re-parse's change. */
  apply(change: DictionaryChange): void {
    // Counted before the re-parse (`Analysis.tryNext`); here for a change applied otherwise.
    this.ensureCounted();
    for (const row of change.removedRows) {
      this.countRow(row, -1);
      this.rowDelta.remove(row);
    }
    for (const row of change.addedRows) {
      this.countRow(row, 1);
      this.rowDelta.add(row);
    }
    this.pairIssues.update(change.removedPairs, change.addedPairs);
  }

  private countRow(row: Row, by: 1 | -1): void {
    if (row.term) this.count(row.term.text, by);
    for (const s of row.synonyms) this.count(s.text, by);
  }

  private count(text: string, by: 1 | -1): void {
    const n = (this.termCounts.get(text) ?? 0) + by;
    if (n > 0) {
      this.termCounts.set(text, n);
      if (n === 1 && by === 1 && this.tracking) {
        this.storeDelta.add(text);
        this.unembedded.add(text);
      }
    } else {
      this.termCounts.delete(text);
      this.storeDelta.remove(text);
      this.unembedded.delete(text);
    }
  }
}

export class Analysis {
  private issueList?: PairIssue[];
  private lineIndex?: LineIndex;
  private groupIndex?: Map<string, number>;
  private groupList?: string[][];
  private successor?: Analysis;
  /** Set when a re-parse for a later version started from this one and gave up (see `tryNext`). */
  private consumed = false;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly dict: Dictionary,
    /** Shared with the document's other versions; only the newest may use it. */
    readonly index: DocumentIndex = new DocumentIndex(dict),
    /** CSV, or a search engine's synonym file (Solr, ES synonyms set) read into the same model. */
    readonly format: DictionaryFormat = 'csv',
  ) {}

  /**
   * The pair issues (duplicates, conflicting labels …), listed on first use: in an edit storm
   * most versions are superseded before anything asks (each edit is analysed at once). Like the
   * rows, they describe the newest version once this one is superseded.
   */
  get issues(): readonly PairIssue[] {
    return (this.issueList ??= this.index.pairIssues.issues());
  }

  static of(doc: TextDocument): Analysis {
    const format = documentFormat(doc);
    if (format !== 'csv') {
      const dict = parseAnyDictionary(doc.getText(), format).dict;
      return new Analysis(doc.uri, doc.version, dict, new DocumentIndex(dict), format);
    }
    return new Analysis(doc.uri, doc.version, parseDictionary(doc.getText()));
  }

  /**
   * `Analysis.of` a CSV document as a stepwise computation (src/core/steps.ts): the parse, then
   * the index, pausing between chunks of records, rows and pairs. The document's text and version
   * are read at once, so later edits do not disturb it (the result is then an older version).
   */
  static *build(doc: TextDocument): Steps<Analysis> {
    const { uri, version } = doc;
    const dict = yield* parseDictionarySteps(doc.getText());
    const index = yield* DocumentIndex.build(dict);
    return new Analysis(uri, version, dict, index);
  }

  /** The analysis of a later version of the same document; this one is superseded by it. */
  next(doc: TextDocument): Analysis {
    return this.tryNext(doc) ?? (this.successor = Analysis.of(doc));
  }

  /**
   * Like `next`, but undefined where the new version needs a parse of the whole text (an edit
   * reaching the header, an unclosed quote): the caller may build it stepwise then. This version
   * is superseded either way.
   */
  tryNext(doc: TextDocument & Partial<Pick<EditedDocument, 'editFrom'>>): Analysis | undefined {
    // Solr and ES files are re-read whole (they are small next to the CSVs the incremental path is for).
    if (this.format !== 'csv') return (this.successor = Analysis.of(doc));
    // The first version's rows array (which an unfinished count goes through) is updated in place
    // by the re-parse: its terms are counted first.
    this.index.ensureCounted();
    // The editor's one edit since this version: the re-parse reads the text around it only.
    const update = reparseIncrementally(this.dict, doc.getText(), doc.editFrom?.(this.version));
    if (!update) {
      this.consumed = true;
      return undefined;
    }
    const { dict, change } = update;
    let index: DocumentIndex;
    if (change) {
      index = this.index;
      index.apply(change);
    } else index = new DocumentIndex(dict);
    return (this.successor = new Analysis(doc.uri, doc.version, dict, index));
  }

  /**
   * True once a later version was analysed: this version's rows and pairs may since have been
   * updated in place to describe that version, so results built from them must be dropped.
   */
  get superseded(): boolean {
    return this.successor !== undefined || this.consumed;
  }

  /**
   * Every distinct term text (trimmed cell text) of term and synonym cells — of the newest
   * version (the index is shared and updated in place).
   */
  get terms(): Iterable<string> {
    return this.index.terms;
  }

  /**
   * Cell ranges are relative to `dict.text`, which excludes a byte order mark; the editor's text
   * includes it when the client sends one, shifting line 0 by one code unit.
   */
  docRange(r: Range): Range {
    if (!this.dict.bom) return r;
    const shift = (p: Position): Position => (p.line === 0 ? { line: 0, character: p.character + 1 } : p);
    return { start: shift(r.start), end: shift(r.end) };
  }

  /** Converts a core edit ([start, end) offsets into `dict.text`) to document positions. */
  docEdit(edit: { start: number; end: number; newText: string }): { range: Range; newText: string } {
    const lines = (this.lineIndex ??= new LineIndex(this.dict.text));
    return { range: this.docRange({ start: lines.positionAt(edit.start), end: lines.positionAt(edit.end) }), newText: edit.newText };
  }

  /** The data row whose source range contains `pos` (a document position), if any. */
  rowAt(pos: Position): Row | undefined {
    const p = this.dict.bom && pos.line === 0 ? { line: 0, character: Math.max(0, pos.character - 1) } : pos;
    const rows = this.dict.rows;
    let lo = 0;
    let hi = rows.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (before(rows[mid].range.start, p) <= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const row = rows[found];
    return before(p, row.range.end) <= 0 ? row : undefined;
  }

  /** The term or synonym cell (non-empty) at `pos`, with its row. */
  termCellAt(pos: Position): { row: Row; cell: Cell } | undefined {
    const row = this.rowAt(pos);
    if (!row) return undefined;
    const p = this.dict.bom && pos.line === 0 ? { line: 0, character: Math.max(0, pos.character - 1) } : pos;
    for (const cell of [...(row.term ? [row.term] : []), ...row.synonyms]) {
      if (before(cell.range.start, p) <= 0 && before(p, cell.range.end) <= 0) return { row, cell };
    }
    return undefined;
  }

  /** Synonym groups (connected components of label-1 pairs, by term key). */
  get groups(): string[][] {
    return (this.groupList ??= synonymGroups(this.dict.pairs));
  }

  /** Index into `groups` of a term's group, or undefined when the term is in no positive pair. */
  groupOf(term: string): number | undefined {
    if (!this.groupIndex) {
      const m = new Map<string, number>();
      this.groups.forEach((g, i) => g.forEach((t) => m.set(termKey(t), i)));
      this.groupIndex = m;
    }
    return this.groupIndex.get(termKey(term));
  }

  /**
   * Term keys paired with `term` (either direction) and the label of that pairing (1 wins over 0
   * when both exist). From the document index, kept up to date by each edit: hovers ask on every
   * move, and a first hover after an edit must not rebuild an index of 20,000 pairs.
   */
  partnersOf(term: string): ReadonlyMap<string, 0 | 1> {
    return this.index.pairIssues.partnersOf(termKey(term));
  }

  /**
   * The members of `term`'s synonym group as `groups` lists them, or undefined when the term is
   * in no group. Like `partnersOf`, from the document index (cost: the group's size).
   */
  synonymGroup(term: string): string[] | undefined {
    return this.index.pairIssues.groupOf(termKey(term));
  }

  /** Pairs whose synonym cell intersects `range` (document positions). */
  pairsIn(range: Range): Pair[] {
    const out: Pair[] = [];
    const first = this.rowAt(range.start);
    const from = first ? first.index : lowerBoundRow(this.dict.rows, range.start);
    let to = from;
    for (; to < this.dict.rows.length; to++) {
      // LSP ranges are end-exclusive: a row starting exactly at `range.end` is outside.
      if (to > (first?.index ?? -1) && before(range.end, this.docRange(this.dict.rows[to].range).start) <= 0) break;
    }
    // Pairs are in row order, so the rows' pairs are one run found by binary search.
    const pairs = this.dict.pairs;
    for (let i = firstPairOfRow(pairs, from); i < pairs.length && pairs[i].row < to; i++) out.push(pairs[i]);
    return out;
  }

  /**
   * The distinct term texts of the rows on document lines [start, end] (a row counts when any of
   * its lines is there), in document order: what an editor showing those lines needs embedded.
   */
  termsInLines(start: number, end: number): string[] {
    const rows = this.dict.rows;
    const out = new Set<string>();
    // The first row ending at or after `start`, then on while rows start at or before `end`.
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[mid].range.end.line < start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < rows.length && rows[i].range.start.line <= end; i++) {
      const row = rows[i];
      if (row.term) out.add(row.term.text);
      for (const c of row.synonyms) out.add(c.text);
    }
    return [...out];
  }

  /** The pairs of one data row. */
  pairsOf(row: number): Pair[] {
    const pairs = this.dict.pairs;
    const out: Pair[] = [];
    for (let i = firstPairOfRow(pairs, row); i < pairs.length && pairs[i].row === row; i++) out.push(pairs[i]);
    return out;
  }
}

/** Negative when a is before b, 0 when equal. */
function before(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function lowerBoundRow(rows: Row[], pos: Position): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(rows[mid].range.end, pos) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
