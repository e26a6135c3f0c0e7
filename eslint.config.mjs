// Lint rules that catch what the type checker cannot: floating promises (an unhandled rejection in
// the extension host or the server is silent), misused promises, and imports across layers.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'models/**', 'node_modules/**', 'test/fixtures/**', 'bench/**', 'scripts/**', '**/*.mjs', '**/*.js', '**/*.d.ts'] },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Tests: an un-awaited assertion or request passes vacuously, so floating promises fail here too.
    // node:test's top-level test()/describe() promises are the runner's own (it reports their
    // failures); subtests (`t.test`) and everything else must be awaited.
    files: ['test/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', 'vscode-*', 'onnxruntime-*', 'node:*', '../server/*', '../client/*', '../shared/*'] }],
    },
  },
  {
    // The Node-level layer shared by the server and the CLI: no editor, no LSP, no front end.
    // onnxruntime is imported by its one adapter only.
    files: ['src/runtime/**/*.ts'],
    ignores: ['src/runtime/model/onnxAdapter.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', 'onnxruntime-node', 'onnxruntime-common', 'vscode-languageserver', 'vscode-languageserver/node'],
        patterns: ['**/client/*', '**/client/**', '**/server/*', '**/server/**', '**/cli/*', '**/cli/**', 'vscode-languageserver*'],
      }],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode', 'onnxruntime-node', 'onnxruntime-common'], patterns: ['**/client/*', '**/client/**', '**/cli/*', '**/cli/**'] }],
    },
  },
  {
    // The CLI is a front end over core, shared and runtime; the language server is another one.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode', 'onnxruntime-node', 'onnxruntime-common'], patterns: ['**/server/*', '**/server/**', '**/client/*', '**/client/**', 'vscode-languageserver*'] }],
    },
  },
  {
    files: ['src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['onnxruntime-node'], patterns: ['**/server/*', '**/server/**'] }],
    },
  },
);
