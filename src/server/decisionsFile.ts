/**
 * The decisions file beside a dictionary (`<name>.decisions.csv`, core/decisions.ts), as the
 * diagnostics read it: a pair decided "not a synonym" there is scored as a label-0 pair (flagged
 * only when the model finds it too similar), one decided "synonym" as a label-1 pair. Read from
 * disk, cached by modification time and size; a file that does not read counts as no decisions
 * (the CLI and the suggestions name its bad line).
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { appendDecisions, DecisionIndex, decisionsPathFor, decisionTimestamp, DecisionsError, parseDecisions } from '../core/decisions';
import type { ServerContext } from './context';
import { fsPath } from './uris';

/** A dictionary's decisions and a key that changes whenever they do. */
export interface Decided {
  index: DecisionIndex;
  key: string;
}

const cache = new Map<string, { stamp: string; decided: Decided | undefined }>();

/** The decisions of the dictionary at `uri` (undefined: no decisions file, or one that does not read). */
export function decisionsOf(uri: string): Decided | undefined {
  const file = fsPath(uri);
  if (!file) return undefined;
  const path = decisionsPathFor(file);
  let stamp: string;
  try {
    const s = statSync(path);
    if (!s.isFile()) return undefined;
    stamp = `${s.mtimeMs}:${s.size}`;
  } catch {
    cache.delete(path);
    return undefined;
  }
  const hit = cache.get(path);
  if (hit?.stamp === stamp) return hit.decided;
  let decided: Decided | undefined;
  try {
    const index = new DecisionIndex(parseDecisions(readFileSync(path, 'utf8')));
    decided = index.size > 0 ? { index, key: `${path}@${stamp}` } : undefined;
  } catch {
    decided = undefined;
  }
  cache.set(path, { stamp, decided });
  return decided;
}

/** The decisions file an edit appends to: its URI and text (undefined when it does not exist yet). */
export interface DecisionsTarget {
  uri: string;
  text: string | undefined;
}

/**
 * The decisions file beside a dictionary on disk: its URI and text (the open document's when the
 * editor has it, else the file's; undefined when it does not exist yet). Undefined for a
 * dictionary that is not a file, or a decisions file that cannot be read.
 */
export async function decisionsTarget(ctx: Pick<ServerContext, 'documents'>, uri: string): Promise<DecisionsTarget | undefined> {
  const file = fsPath(uri);
  if (!file) return undefined;
  const path = decisionsPathFor(file);
  const target = pathToFileURL(path).toString();
  const open = ctx.documents.get(target);
  if (open) return { uri: target, text: open.getText() };
  try {
    return { uri: target, text: await readFile(path, 'utf8') };
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { uri: target, text: undefined } : undefined;
  }
}

/**
 * Appends the verdicts "not a synonym" on `pairs` to the decisions file as one edit: the file is
 * created with its header when missing; existing bytes are kept (core's `appendDecisions`).
 * Undefined when the file does not read (its bad line is left for the user to fix; nothing is
 * appended to it). Needs a client that applies `documentChanges` with file creation.
 */
export function recordDecisionsEdit(target: DecisionsTarget, pairs: readonly { term: string; synonym: string }[]): { edit: WorkspaceEdit; name: string } | undefined {
  let next: string;
  try {
    const decidedAt = decisionTimestamp();
    next = appendDecisions(target.text, pairs.map((p) => ({ term: p.term, synonym: p.synonym, label: 0 as const, decidedAt })));
  } catch (e) {
    if (e instanceof DecisionsError) return undefined;
    throw e;
  }
  const before = target.text ?? '';
  const end = TextDocument.create(target.uri, 'csv', 0, before).positionAt(before.length);
  const insert: TextDocumentEdit = { textDocument: { uri: target.uri, version: null }, edits: [{ range: { start: end, end }, newText: next.slice(before.length) }] };
  const create: CreateFile = { kind: 'create', uri: target.uri, options: { ignoreIfExists: true } };
  const name = decodeURIComponent(target.uri.slice(target.uri.lastIndexOf('/') + 1));
  return { edit: { documentChanges: target.text === undefined ? [create, insert] : [insert] }, name };
}
