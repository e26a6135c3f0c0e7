// Webview timings in headless Debian Chromium (the same harness as test/webview): the table with
// 20,000 rows (first render, sort, filter, scrolling frame times) and the heatmap with 2,000 terms
// (4M cells). Figures are printed, not asserted; the last line is JSON with units in the keys.
// Usage: node bench/webview.mjs          (needs Debian's `chromium` package)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The harness is TypeScript: run this script again under tsx (as the tests run) when needed.
if (!process.env.SYNONYM_LENS_WEBVIEW_BENCH) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, SYNONYM_LENS_WEBVIEW_BENCH: '1' } });
  process.exit(r.status ?? 1);
}
const { openWebview } = await import('../test/webview/harness.ts');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round = (x) => Math.round(x * 10) / 10;

// ---------------------------------------------------------------------------------------------
// Table, 20,000 rows

const table = await openWebview({ view: 'table', viewport: { width: 1200, height: 800 } });
const t = await table.page.evaluate(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
  const lines = ['标准词,近似词,label'];
  for (let i = 0; i < 20000; i++) lines.push(`词条${(i * 7919) % 20000},近义词${i} variant,${i % 9 === 0 ? 0 : 1}`);
  const text = lines.join('\n') + '\n';
  const grid = document.getElementById('grid');
  const t0 = performance.now();
  window.postMessage({ type: 'document', uri: 'file:///bench.synonyms.csv', version: 1, text }, '*');
  while (grid.dataset.version !== '1') await frame();
  await frame();
  const firstRender = performance.now() - t0;

  const header = document.querySelector('.grid-header-cell[data-col="c0"]');
  const s0 = performance.now();
  header.click();
  void document.body.offsetHeight;
  const sort = performance.now() - s0;
  header.click();
  header.click();

  const filter = document.getElementById('filter');
  const f0 = performance.now();
  filter.value = '近义词1';
  filter.dispatchEvent(new Event('input'));
  void document.body.offsetHeight;
  const filterMs = performance.now() - f0;
  filter.value = '';
  filter.dispatchEvent(new Event('input'));
  await frame();

  // Scroll the whole table, 30 rows per frame, timing each frame.
  const body = document.querySelector('.grid-body');
  const frames = [];
  let last = performance.now();
  for (let y = 0; y < body.scrollHeight - body.clientHeight; y += 30 * 24) {
    body.scrollTop = y;
    await frame();
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  // A jump to the end and back (scrollbar drag).
  const j0 = performance.now();
  body.scrollTop = body.scrollHeight;
  await frame();
  await frame();
  const jump = performance.now() - j0;
  return { firstRender, sort, filterMs, frames, jump, rows: document.querySelectorAll('.grid-row').length };
});
await table.close();

// ---------------------------------------------------------------------------------------------
// Heatmap, 2,000 terms

const heat = await openWebview({ view: 'heatmap', viewport: { width: 1000, height: 1000 } });
const runs = [];
for (let run = 0; run < 5; run++) {
  runs.push(
    await heat.page.evaluate(async (run) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
      const n = 2000;
      const m = new Float32Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = i === j ? 1 : 0.3 + 0.4 * Math.sin(i * 0.013 + j * 0.029 + run);
      const terms = Array.from({ length: n }, (_, i) => `term ${i}`);
      const groups = terms.map((_, i) => Math.floor(i / 3));
      const canvas = document.getElementById('heatmap');
      canvas.dataset.terms = '';
      const t0 = performance.now();
      window.postMessage({ type: 'matrix', data: { uri: 'file:///b.csv', version: run, modelId: 'bench', terms, groups, matrix: m, pairs: [], threshold: 0.5, truncated: false } }, '*');
      while (canvas.dataset.terms !== String(n)) await frame();
      const toPixels = performance.now() - t0;
      return { render: Number(canvas.dataset.renderMs), toPixels };
    }, run),
  );
}
await heat.close();

const frames = t.frames.slice(1);
const result = {
  table_rows: 20000,
  table_dom_rows: t.rows,
  table_first_render_ms_20k: round(t.firstRender),
  table_sort_ms_20k: round(t.sort),
  table_filter_ms_20k: round(t.filterMs),
  table_scroll_frames: frames.length,
  table_scroll_frame_ms_p50: round(median(frames)),
  table_scroll_frame_ms_p95: round(pct(frames, 0.95)),
  table_scroll_frame_ms_max: round(Math.max(...frames)),
  table_jump_to_end_ms: round(t.jump),
  heatmap_terms: 2000,
  heatmap_render_ms_2000_median: round(median(runs.map((r) => r.render))),
  heatmap_render_ms_2000_best: round(Math.min(...runs.map((r) => r.render))),
  heatmap_message_to_pixels_ms_2000_median: round(median(runs.map((r) => r.toPixels))),
};
console.log(`table, 20,000 rows: first render ${result.table_first_render_ms_20k} ms (parse + view + DOM, ${t.rows} row elements), sort ${result.table_sort_ms_20k} ms, filter ${result.table_filter_ms_20k} ms`);
console.log(`  scrolling ${frames.length} frames of 30 rows: p50 ${result.table_scroll_frame_ms_p50} ms, p95 ${result.table_scroll_frame_ms_p95} ms, max ${result.table_scroll_frame_ms_max} ms; jump to end ${result.table_jump_to_end_ms} ms`);
console.log(`heatmap, 2,000 terms (4M cells), 5 runs: render (colours + contour + draw) median ${result.heatmap_render_ms_2000_median} ms, best ${result.heatmap_render_ms_2000_best} ms; message → pixels median ${result.heatmap_message_to_pixels_ms_2000_median} ms`);
console.log(JSON.stringify(result));
