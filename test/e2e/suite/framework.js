// A tiny sequential test runner for the extension host (no dependency, works under code-server's
// extension-test mode and @vscode/test-electron alike). Each test has a timeout; results go to the
// console (forwarded to the harness) and, when SYNONYM_LENS_E2E_OUT is set, to a JSON file.
'use strict';
const fs = require('fs');
const path = require('path');

const tests = [];

/** Registers a test. `fn` may return a promise; it fails after `timeout` ms. */
function test(name, fn, { timeout = 30000 } = {}) {
  tests.push({ name, fn, timeout });
}

function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${name}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the registered tests in order; rejects when any failed (VS Code then exits non-zero). */
async function runAll(suiteName) {
  const results = [];
  const out = process.env.SYNONYM_LENS_E2E_OUT;
  // Written after every test, so that a run cut short by a timeout still reports what it did.
  const save = () => {
    if (!out) return;
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, `${suiteName}.json`), JSON.stringify(results, null, 2));
  };
  const grep = process.env.SYNONYM_LENS_E2E_GREP ? new RegExp(process.env.SYNONYM_LENS_E2E_GREP) : undefined;
  for (const t of tests) {
    if (grep && !grep.test(t.name)) continue;
    const t0 = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeout, t.name);
      results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
      console.log(`PASS ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      const err = String((e && e.stack) || e);
      results.push({ name: t.name, ok: false, ms: Date.now() - t0, err });
      console.log(`FAIL ${t.name} (${Date.now() - t0} ms)\n${err}`);
    }
    save();
  }
  save();
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${suiteName}: ${results.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} of ${results.length} tests failed`);
}

module.exports = { test, runAll };
