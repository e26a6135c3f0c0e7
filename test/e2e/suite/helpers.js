'use strict';
const vscode = require('vscode');

/**
 * Resolves with the diagnostics of `uri` once `predicate(diagnostics)` holds, checking now and on
 * every `onDidChangeDiagnostics` for that document — an event, never a sleep.
 */
function waitForDiagnostics(uri, predicate, ms = 60000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (predicate(diagnostics)) {
        done();
        resolve(diagnostics);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      done();
      const now = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line}: ${codeOf(d)} ${d.message}`);
      reject(new Error(`timed out after ${ms} ms waiting for diagnostics on ${uri.fsPath}; have ${JSON.stringify(now)}`));
    }, ms);
    function done() {
      clearTimeout(timer);
      sub.dispose();
    }
    check();
  });
}

/**
 * Resolves once `event` fires with a value satisfying `predicate` (or rejects after `ms`).
 * @template T
 * @param {import('vscode').Event<T>} event
 * @param {(value: T) => boolean} [predicate]
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
function waitForEvent(event, predicate = () => true, ms = 30000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for an event`));
    }, ms);
    const sub = event((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

/** A diagnostic's code as a string (`code` may be a `{ value, target }` object). */
function codeOf(d) {
  return String(d.code && typeof d.code === 'object' ? d.code.value : d.code);
}

/** Plain text of a hover's contents (markdown strings, marked strings). */
function hoverText(hovers) {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** Plain text of an inlay hint label (a string or label parts). */
function hintLabel(hint) {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((p) => p.value).join('');
}

module.exports = { waitForDiagnostics, waitForEvent, codeOf, hoverText, hintLabel };
