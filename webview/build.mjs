// Bundles the webviews (one IIFE per view, for the browser) into dist/webview/. scripts/build.mjs
// holds the same entries; this script lets the webview tests and benchmark build
// just what they load. Usage: node webview/build.mjs [--watch]
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The webview entry points: `webview/<view>/main.ts` → `dist/webview/<view>.js`. */
export const webviewBuild = {
  absWorkingDir: root,
  entryPoints: {
    table: 'webview/table/main.ts',
    heatmap: 'webview/heatmap/main.ts',
    report: 'webview/report/main.ts',
    suggestions: 'webview/suggestions/main.ts',
  },
  outdir: 'dist/webview',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['chrome120'],
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'linked',
};

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--watch')) {
    await (await esbuild.context(webviewBuild)).watch();
    console.log('watching webviews…');
  } else {
    await esbuild.build(webviewBuild);
  }
}
