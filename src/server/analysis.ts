/**
 * Analysis-aware diagnostics: the terms of a dictionary's rules, run through a real Lucene
 * analyzer by the Java helper shipped beside the bundles (`java/SynonymAnalysis.java`, started
 * with single-file source launch: `java -cp <lucene jars> SynonymAnalysis.java <analyzer>`). One
 * long-lived helper per (java, jars, analyzer) answers JSON lines on stdin/stdout; its tokens are
 * cached per term, so an edit costs the terms it adds. Off unless `synonymLens.analysis.enabled`;
 * when Java or the jars are missing the user is told once (a warning message), never per row.
 */
import * as l10n from '@vscode/l10n';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { analysisFindings, analysisRules, analysisTerms, type AnalysisFinding } from '../core/formats/analysis';
import type { Cell } from '../core/csv/types';
import { DiagnosticCodes, diagnosticSource, type ExpansionToken } from '../shared/protocol';
import type { Settings } from '../shared/settings';
import { diagnosticDocUrl } from './diagnostics';
import type { Analysis } from './documents';

/** The helper shipped next to the bundles (`dist/server.js` → `../java`). */
export const analysisHelperPath = path.join(__dirname, '..', 'java', 'SynonymAnalysis.java');

/** Where Debian's `liblucene8-java` puts the jars. */
const DEBIAN_JARS = '/usr/share/java';

/** What the helper needs, resolved from the settings; `missing` says what is not there. */
export type AnalysisSetup = { java: string; classPath: string[]; analyzer: string } | { missing: 'java' | 'jars'; detail: string };

/**
 * Resolves `synonymLens.analysis.*`: the `java` executable (the setting, else `$JAVA_HOME/bin/java`,
 * else `java` on the PATH) and the jars (the setting, else Debian's Lucene 8 jars).
 */
export function resolveAnalysisSetup(s: Settings['analysis'], env: NodeJS.ProcessEnv = process.env, jarDir = DEBIAN_JARS): AnalysisSetup {
  const java = s.java ? (executable(s.java) ? s.java : undefined) : findJava(env);
  if (!java) return { missing: 'java', detail: s.java || 'java' };
  let classPath: string[];
  if (s.luceneJars.length) {
    const absent = s.luceneJars.filter((j) => !existsSync(j));
    if (absent.length) return { missing: 'jars', detail: absent.join(', ') };
    classPath = s.luceneJars;
  } else {
    let names: string[] = [];
    try {
      names = readdirSync(jarDir);
    } catch {
      // No such folder: no jars.
    }
    classPath = names
      .filter((n) => /^lucene-(core|analyzers-[a-z]+)-8\.[\d.]+\.jar$/.test(n) || /^icu4j.*\.jar$/.test(n))
      .sort()
      .map((n) => path.join(jarDir, n));
    if (!classPath.some((j) => /lucene-core-/.test(j)) || !classPath.some((j) => /lucene-analyzers-common-/.test(j))) {
      return { missing: 'jars', detail: path.join(jarDir, 'lucene-core-8.*.jar') };
    }
  }
  return { java, classPath, analyzer: s.analyzer };
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findJava(env: NodeJS.ProcessEnv): string | undefined {
  const name = process.platform === 'win32' ? 'java.exe' : 'java';
  if (env.JAVA_HOME) {
    const p = path.join(env.JAVA_HOME, 'bin', name);
    if (executable(p)) return p;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (executable(p)) return p;
  }
  return undefined;
}

/** Terms whose tokens a helper keeps (a few dictionaries' worth). */
const MAX_CACHED_TERMS = 500_000;

/** A helper that could not start or answer: why, in the helper's own words. */
export class AnalysisHelperError extends Error {}

/** One running helper: one analyzer, requests matched to answers by id. */
export class AnalysisHelper {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stderr = '';
  private failure?: Error;
  /** Resolves when the analyzer is built; rejects with the helper's reason when it cannot start. */
  readonly ready: Promise<void>;
  /** Term → its tokens with this analyzer. */
  private readonly cache = new Map<string, readonly string[]>();

  constructor(setup: { java: string; classPath: string[]; analyzer: string }, helperPath = analysisHelperPath) {
    this.child = spawn(setup.java, ['-cp', setup.classPath.join(path.delimiter), helperPath, setup.analyzer], { stdio: 'pipe' });
    let markReady!: () => void;
    let markFailed!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    this.ready.catch(() => undefined);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (d: string) => {
      if (this.stderr.length < 4000) this.stderr += d;
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      markFailed(this.failure);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.child.on('error', (e) => fail(new AnalysisHelperError(e.message)));
    this.child.on('exit', (code, signal) => fail(new AnalysisHelperError(this.stderr.trim().split('\n')[0] || `the analysis helper exited (${signal ?? code})`)));
    this.child.stdin.on('error', () => undefined);
    createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof msg.fatal === 'string') return fail(new AnalysisHelperError(msg.fatal));
      if (msg.ready === true) return markReady();
      const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
      if (!p) return;
      this.pending.delete(msg.id as number);
      p.resolve(msg);
    });
  }

  private async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    await this.ready;
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(JSON.stringify({ id, ...body }) + '\n');
    });
  }

  /** Each term's tokens (terms analyzed before come from the cache). */
  async tokens(terms: readonly string[]): Promise<Map<string, readonly string[]>> {
    const missing = [...new Set(terms.filter((t) => !this.cache.has(t)))];
    // Typing leaves every prefix of a term behind: start over rather than grow without bound.
    if (this.cache.size + missing.length > MAX_CACHED_TERMS) {
      this.cache.clear();
      missing.splice(0, missing.length, ...new Set(terms));
    }
    if (missing.length) {
      const answer = await this.request({ op: 'analyze', terms: missing });
      if (typeof answer.error === 'string') throw new AnalysisHelperError(answer.error);
      const lists = answer.tokens as string[][];
      missing.forEach((t, i) => this.cache.set(t, lists[i] ?? []));
    }
    return new Map(terms.map((t) => [t, this.cache.get(t)!]));
  }

  /**
   * The token graph Lucene's SynonymGraphFilter makes of `query` with the Solr-format `rules`.
   * Fails with Lucene's message when it refuses the rules.
   */
  async expand(rules: string, query: string): Promise<ExpansionToken[]> {
    const answer = await this.request({ op: 'expand', rules, query });
    if (typeof answer.error === 'string') throw new AnalysisHelperError(answer.error);
    return answer.tokens as ExpansionToken[];
  }

  dispose(): void {
    this.failure ??= new AnalysisHelperError('the analysis helper was stopped');
    this.child.kill();
  }
}

/** The helpers of a server (one per setup), and the one-time message when analysis cannot run. */
export class AnalysisHelpers {
  private readonly helpers = new Map<string, AnalysisHelper>();
  private readonly told = new Set<string>();

  constructor(
    /** Shows a warning to the user (once per distinct problem). */
    private readonly tell: (message: string) => void,
    private readonly helperPath = analysisHelperPath,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /**
   * The running helper for these settings, or undefined when analysis is off or cannot run (the
   * user has been told why). `force` starts one even when analysis diagnostics are off (the
   * query preview asks for it explicitly).
   */
  async helper(s: Settings['analysis'], force = false): Promise<AnalysisHelper | undefined> {
    if (!s.enabled && !force) return undefined;
    const setup = resolveAnalysisSetup(s, this.env);
    if ('missing' in setup) {
      this.once(
        `${setup.missing}:${setup.detail}`,
        setup.missing === 'java'
          ? l10n.t('Synonym Lens: analysis needs Java, and "{0}" was not found. Install a JDK (11 or later) or set synonymLens.analysis.java.', setup.detail)
          : l10n.t('Synonym Lens: analysis needs the Lucene 8 jars, and {0} was not found. Install liblucene8-java or set synonymLens.analysis.luceneJars.', setup.detail),
      );
      return undefined;
    }
    const key = JSON.stringify(setup);
    let h = this.helpers.get(key);
    if (!h) this.helpers.set(key, (h = new AnalysisHelper(setup, this.helperPath)));
    try {
      await h.ready;
      return h;
    } catch (e) {
      this.helpers.delete(key);
      this.once(`fail:${key}:${(e as Error).message}`, l10n.t('Synonym Lens: the {0} analyzer could not start: {1}', setup.analyzer, (e as Error).message));
      return undefined;
    }
  }

  private once(key: string, message: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.tell(message);
  }

  /** Stops every helper (settings changed, or the server shuts down); the next request starts what it needs. */
  disposeAll(): void {
    for (const h of this.helpers.values()) h.dispose();
    this.helpers.clear();
    this.told.clear();
  }
}

/**
 * The analysis diagnostics of a document version: its rules' terms through `helper`, then core's
 * findings as diagnostics on the exact terms (multi-token: information; stop words, rules that
 * collapse, no-op rules: warning).
 */
export async function analysisDiagnostics(a: Analysis, helper: AnalysisHelper, analyzer: string): Promise<Diagnostic[]> {
  const rules = analysisRules(a.dict);
  const tokens = await helper.tokens(analysisTerms(rules));
  return analysisFindings(rules, (t) => tokens.get(t)).map((f) => toDiagnostic(a, f, analyzer));
}

const codes: Record<AnalysisFinding['kind'], string> = {
  'multi-token': DiagnosticCodes.analysisMultiToken,
  eliminated: DiagnosticCodes.analysisStopWord,
  'same-tokens': DiagnosticCodes.analysisSameTokens,
  'no-op': DiagnosticCodes.analysisNoOp,
};

function span(cells: readonly Cell[]): Diagnostic['range'] {
  const first = cells.reduce((x, c) => (c.start < x.start ? c : x));
  const last = cells.reduce((x, c) => (c.end > x.end ? c : x));
  return { start: first.range.start, end: last.range.end };
}

const shown = (tokens: readonly string[]) => tokens.join(' | ');

function toDiagnostic(a: Analysis, f: AnalysisFinding, analyzer: string): Diagnostic {
  const code = codes[f.kind];
  const base = { source: diagnosticSource, code, codeDescription: { href: diagnosticDocUrl(code) }, data: { row: f.row, version: a.version } };
  switch (f.kind) {
    case 'multi-token':
      return {
        ...base,
        range: f.cell.range,
        severity: DiagnosticSeverity.Information,
        message: l10n.t('"{0}" is {1} tokens with the {2} analyzer ({3}): a multi-token rule, which only synonym_graph applies correctly at query time.', f.cell.text, f.tokens.length, analyzer, shown(f.tokens)),
      };
    case 'eliminated':
      return {
        ...base,
        range: f.cell.range,
        severity: DiagnosticSeverity.Warning,
        message: l10n.t('The {1} analyzer removes "{0}" entirely (a stop word): Lucene refuses the rules unless the filter is lenient, and then the term matches nothing.', f.cell.text, analyzer),
      };
    case 'no-op':
      return {
        ...base,
        range: span(f.cells),
        severity: DiagnosticSeverity.Warning,
        message: l10n.t('Every term of this rule is {0} with the {1} analyzer: the rule maps a term to itself and changes nothing.', shown(f.tokens), analyzer),
      };
    case 'same-tokens': {
      const first = span(f.firstCells);
      return {
        ...base,
        range: span(f.cells),
        severity: DiagnosticSeverity.Warning,
        message: l10n.t('With the {0} analyzer this rule has the same tokens as the rule at line {1}: the engine reads them as one rule.', analyzer, first.start.line + 1),
        relatedInformation: [{ location: { uri: a.uri, range: first }, message: l10n.t('The rule with the same tokens') }],
      };
    }
  }
}
