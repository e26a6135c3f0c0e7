/**
 * ARCHITECTURE.md's folder table is what the code does: every relative import of every source file
 * under src/ and webview/ goes to a folder the table lets it import ("may import" names the folders;
 * a folder may always import itself), and there are no import cycles between files of src/. The
 * table is read from the document, so changing the rule means changing the document. Cycles are
 * counted over imports that exist at run time (`import type` is erased by the compiler).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

const root = path.resolve(__dirname, '../..');
const LAYERS = ['core', 'shared', 'runtime', 'server', 'client', 'cli', 'webview'] as const;
type Layer = (typeof LAYERS)[number];

/** The "may import" rule per folder, from the table in ARCHITECTURE.md. */
export function readRules(doc: string): Map<Layer, Set<Layer>> {
  const rules = new Map<Layer, Set<Layer>>();
  for (const line of doc.split('\n')) {
    const m = /^\| `(src\/\w+|webview)` \|.*\| ([^|]+) \|\s*$/.exec(line);
    if (!m) continue;
    const layer = m[1]!.replace(/^src\//, '') as Layer;
    if (!LAYERS.includes(layer)) continue;
    // Words of the cell before any "(never …)" note: `core, shared, runtime, node:*`.
    const cell = m[2]!.replace(/\(never[^)]*\)/g, '');
    const allowed = new Set<Layer>([layer]);
    for (const w of cell.split(/[^a-z]+/)) if ((LAYERS as readonly string[]).includes(w)) allowed.add(w as Layer);
    rules.set(layer, allowed);
  }
  return rules;
}

function layerOf(file: string): Layer | undefined {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'webview') return 'webview';
  if (rel[0] === 'src' && (LAYERS as readonly string[]).includes(rel[1]!)) return rel[1] as Layer;
  return undefined;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Relative imports of a TS file (static, dynamic and re-exports), resolved to files; `typeOnly` for `import type`. */
function importsOf(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const out: { target: string; typeOnly: boolean }[] = [];
  const re = /(?:^|\n)\s*(import|export)(\s+type\b)?[^;'"]*?from\s*'(\.{1,2}\/[^']+)'|\bimport\s*\(\s*'(\.{1,2}\/[^']+)'|(?:^|\n)\s*import\s+'(\.{1,2}\/[^']+)'/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[3] ?? m[4] ?? m[5]!;
    const base = path.resolve(path.dirname(file), spec);
    const hit = [base, `${base}.ts`, path.join(base, 'index.ts')].find((c) => {
      try {
        return statSync(c).isFile();
      } catch {
        return false;
      }
    });
    if (hit) out.push({ target: hit, typeOnly: m[2] !== undefined });
  }
  return out;
}

/** Layer rule violations: `from → to` per offending import. */
export function violations(rules: Map<Layer, Set<Layer>>, files: readonly string[], imports: (f: string) => string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const from = layerOf(f);
    if (!from) continue;
    for (const target of imports(f)) {
      const to = layerOf(target);
      if (to && !rules.get(from)?.has(to)) bad.push(`${path.relative(root, f)} (${from}) imports ${path.relative(root, target)} (${to})`);
    }
  }
  return bad;
}

/** One import cycle per strongly connected component of more than one file (Tarjan). */
export function cycles(files: readonly string[], imports: (f: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    on.add(v);
    for (const w of imports(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(path.relative(root, w));
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return out;
}

const doc = readFileSync(path.join(root, 'ARCHITECTURE.md'), 'utf8');
const rules = readRules(doc);
const files = [...sources(path.join(root, 'src')), ...sources(path.join(root, 'webview'))];
const cache = new Map<string, { target: string; typeOnly: boolean }[]>();
const parsed = (f: string) => cache.get(f) ?? (cache.set(f, importsOf(f)), cache.get(f)!);
/** Every import, for the layer rules (a type import couples layers too). */
const imports = (f: string) => parsed(f).map((i) => i.target);
/** Imports that exist at run time, for cycles (type-only imports are erased by the compiler). */
const runtimeImports = (f: string) => parsed(f).filter((i) => !i.typeOnly).map((i) => i.target);

test('ARCHITECTURE.md states a rule for every folder', () => {
  assert.deepEqual([...rules.keys()].sort(), [...LAYERS].sort());
});

test('every import follows the folder rules of ARCHITECTURE.md', () => {
  const count = files.reduce((n, f) => n + imports(f).length, 0);
  assert.ok(count > 300, `read ${count} imports`);
  assert.deepEqual(violations(rules, files, imports), []);
});

test('the rules catch a forbidden import (the CLI importing the language server)', () => {
  const cli = path.join(root, 'src/cli/main.ts');
  const server = path.join(root, 'src/server/server.ts');
  assert.equal(violations(rules, [cli], () => [server]).length, 1);
});

test('no import cycles at run time between files of src/ and webview/', () => {
  assert.deepEqual(cycles(files, runtimeImports), []);
});

test('the cycle check finds a cycle', () => {
  const a = path.join(root, 'src/core/a.ts');
  const b = path.join(root, 'src/core/b.ts');
  assert.deepEqual(cycles([a, b], (f) => (f === a ? [b] : [a])), [['src/core/a.ts', 'src/core/b.ts']]);
});
