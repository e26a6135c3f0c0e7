// What the UI-level suites share: a step runner (screenshot per failed step, later dependent steps
// skipped) and the command palette.
import path from 'node:path';

/**
 * Returns `step(name, fn, { needed })`: runs `fn`, records a result, and on failure saves a PNG
 * named after the step; after a failed `needed` step, the rest are recorded as skipped failures.
 */
export function stepRunner({ page, results, log, outDir, prefix }) {
  let broken = false;
  return async function step(name, fn, { needed = false } = {}) {
    const t0 = Date.now();
    if (broken) {
      results.push({ name, ok: false, ms: 0, err: 'skipped: an earlier step failed' });
      log(`FAIL ${name} (skipped: an earlier step failed)`);
      return;
    }
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - t0 });
      log(`PASS ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      const slug = name.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
      const file = path.join(outDir, `${prefix}-failed-${results.length + 1}-${slug}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      results.push({ name, ok: false, ms: Date.now() - t0, err: String(e?.message ?? e), screenshot: file });
      log(`FAIL ${name} (${Date.now() - t0} ms): ${String(e?.message ?? e).split('\n')[0]}\n  screenshot: ${file}`);
      if (needed) broken = true;
    }
  };
}

/**
 * Runs a palette command by its title (F1, type, wait for the row, Enter, palette closed). A
 * command that asks at once in a quick input of its own (a quick pick, VS Code's file dialog) may
 * reuse the widget before the palette is seen closed: `then` is that input's title, waited for
 * instead.
 * @param {any} page
 * @param {string} title
 * @param {{ then?: string }} [options]
 */
export async function runCommand(page, title, { then } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>' + title);
  // Click the command's own row: another command whose title shares the words (Clean Up
  // Fine-tuned Models… for Fine-tune Model) may be the one Enter would run.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
  if (then) await page.locator('.quick-input-widget .quick-input-title', { hasText: then }).waitFor({ state: 'visible' });
  else await input.waitFor({ state: 'hidden' });
}

/**
 * `locator.waitFor(options)`, with what was awaited named in the error: a timed-out step then says
 * which of its waits failed (Playwright's own message names only the call).
 * @param {any} locator
 * @param {string} what
 * @param {object} [options]
 */
export async function waitFor(locator, what, options = {}) {
  try {
    await locator.waitFor(options);
  } catch (e) {
    throw new Error(`waiting for ${what}: ${String(e?.message ?? e).split('\n')[0]}`);
  }
}
