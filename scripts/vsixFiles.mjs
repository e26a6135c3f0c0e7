// What a VSIX may hold, as path patterns (the paths `vsce ls` prints, relative to the extension
// root). `npm run package` refuses to build a VSIX holding any other file, so a new dependency, a
// stray folder or a source map cannot grow the package unnoticed: a new runtime file is added
// here on purpose. Everything but onnxruntime-node is inside the esbuild bundles; of
// onnxruntime-node only what runs ships — its CommonJS entry, its JavaScript API
// (onnxruntime-common) and one platform's native binaries — not its install script or the
// packages that script alone needs (adm-zip, global-agent and theirs).

/** The staged package's `.vscodeignore`: everything under node_modules except what runs. */
export const STAGE_IGNORE = [
  '**/*.map',
  '**/*.ts',
  '.npmrc',
  'node_modules/**',
  '!node_modules/onnxruntime-node/package.json',
  '!node_modules/onnxruntime-node/dist/*.js',
  '!node_modules/onnxruntime-node/bin/napi-v6/*/*/*',
  '!node_modules/onnxruntime-common/package.json',
  '!node_modules/onnxruntime-common/dist/cjs/package.json',
  '!node_modules/onnxruntime-common/dist/cjs/**/*.js',
];

/** Allowed files for `target` (`os-arch`), as regular expressions over the whole path. */
export function allowList(target) {
  const [os, arch] = target.split('-');
  return [
    // Manifest, its translations, the l10n bundles and the documents a Marketplace page shows.
    /^(package\.json|package\.nls(\.[a-z-]+)?\.json|README\.md|CHANGELOG\.md|LICENSE(\.txt)?|NOTICE)$/,
    /^l10n\/bundle\.l10n\.[a-z-]+\.json$/,
    // The bundles (extension, language server, CLI, learning worker) and the webviews' scripts
    // with the licence notices esbuild collects for them.
    /^dist\/[\w-]+\.js$/,
    /^dist\/webview\/[\w-]+\.js(\.LEGAL\.txt)?$/,
    // Webview style sheets, the icon, the walkthrough pages (not the README's screenshots).
    /^media\/[\w-]+\.(css|png|svg)$/,
    /^media\/walkthrough\/[\w-]+(\.nls\.[a-z-]+)?\.md$/,
    // The sample, the docs diagnostics link to (offline), the embedded models.
    /^samples\/[\w.-]+\.(csv|txt)$/,
    /^docs\/[\w-]+\.md$/,
    // The Lucene analysis helper, run from source by the user's JDK (analysis diagnostics, query preview).
    /^java\/SynonymAnalysis\.java$/,
    // (The embedded model's lexicon half is CC BY-SA 4.0: its LICENSE travels in its folder.)
    /^models\/builtin\/(model\.onnx|config\.json|lexicon\.txt|LICENSE)$/,
    // v1 ships as its config only: its model is its seed's table, regenerated when first needed
    // (src/runtime/model/builtinV1.ts) instead of 16 MiB of incompressible floats in every VSIX.
    /^models\/builtin-v1\/config\.json$/,
    // onnxruntime-node: entry, API and this target's native binaries only.
    /^node_modules\/onnxruntime-node\/package\.json$/,
    /^node_modules\/onnxruntime-node\/dist\/[\w-]+\.js$/,
    new RegExp(`^node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/[\\w.+-]+\\.(node|so(\\.\\d+)*|dylib|dll)$`),
    /^node_modules\/onnxruntime-common\/package\.json$/,
    /^node_modules\/onnxruntime-common\/dist\/cjs\/([\w-]+\/)*[\w-]+\.js$/,
    /^node_modules\/onnxruntime-common\/dist\/cjs\/package\.json$/,
  ];
}

/** Files of `files` that no pattern allows for `target`. */
export function unexpectedFiles(files, target) {
  const allowed = allowList(target);
  return files.filter((f) => !allowed.some((re) => re.test(f)));
}

/** Files that every working VSIX of `target` holds (a list matching the patterns can still miss these). */
export function requiredFiles(target) {
  const [os, arch] = target.split('-');
  return [
    'package.json',
    'dist/extension.js',
    'dist/server.js',
    'models/builtin/model.onnx',
    // The default model's lexicon is CC BY-SA 4.0: its notices must travel with it.
    'NOTICE',
    'models/builtin/LICENSE',
    'models/builtin-v1/config.json',
    'java/SynonymAnalysis.java',
    'node_modules/onnxruntime-node/dist/index.js',
    'node_modules/onnxruntime-common/dist/cjs/index.js',
    `node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/onnxruntime_binding.node`,
  ];
}
