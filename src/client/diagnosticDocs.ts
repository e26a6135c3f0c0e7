import * as vscode from 'vscode';
import { Commands } from '../shared/commands';

/**
 * The server links each diagnostic code to `docs/diagnostics.md#<code>` as a file URI, which VS Code
 * opens as raw, editable Markdown at line 1. The client turns such links into a command link that
 * opens the Markdown preview at the anchor (the preview scrolls to a URI's fragment); other links
 * (web pages) are left as they are.
 */
export function previewDocLink(diagnostic: vscode.Diagnostic): vscode.Diagnostic {
  const code = diagnostic.code;
  if (typeof code !== 'object' || code === null || !(code.target instanceof vscode.Uri)) return diagnostic;
  const target = code.target;
  if (target.scheme !== 'file' || !/\.md$/i.test(target.path)) return diagnostic;
  diagnostic.code = { value: code.value, target: docsCommandUri(target) };
  return diagnostic;
}

/** `command:synonymLens.openDocs?["file:///…/diagnostics.md#low-similarity"]`. */
export function docsCommandUri(doc: vscode.Uri): vscode.Uri {
  return vscode.Uri.parse(`command:${Commands.openDocs}?${encodeURIComponent(JSON.stringify([doc.toString()]))}`);
}

/** The command behind the link: the Markdown preview of the file, scrolled to the fragment's heading. */
export async function openDocs(doc: string | vscode.Uri): Promise<void> {
  const uri = typeof doc === 'string' ? vscode.Uri.parse(doc) : doc;
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}
