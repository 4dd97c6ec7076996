// Lint rules, including the folder boundaries of DESIGN.md: the webview imports only protocol/, the
// language server never imports `vscode`, and the extension never reaches into webview/ internals.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-test/', '.venv/', 'server/', 'test-results/', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict([
      { group: ['vscode', 'node:*'], message: 'The webview runs in a browser sandbox.' },
      {
        group: ['**/extension/**', '**/language-server/**', '**/server/**'],
        message: 'webview/ imports only protocol/.',
      },
    ]),
  },
  {
    files: ['language-server/**/*.ts'],
    rules: restrict([
      { group: ['vscode'], message: 'The language server runs outside VS Code: use vscode-languageserver.' },
      { group: ['**/extension/**', '**/webview/**'], message: 'language-server/ imports only protocol/.' },
    ]),
  },
  {
    files: ['extension/**/*.ts'],
    rules: restrict([
      { group: ['**/webview/**', '**/language-server/**'], message: 'Talk to these through protocol/.' },
    ]),
  },
  {
    files: ['protocol/**/*.ts'],
    rules: restrict([
      {
        group: ['vscode', 'vscode-languageserver*', 'vscode-languageclient*', 'node:*'],
        message:
          'protocol/ is types shared by every part (and vscode-jsonrpc message types, which both LSP ends use).',
      },
      {
        group: ['**/extension/**', '**/webview/**', '**/language-server/**'],
        message: 'protocol/ depends on nothing.',
      },
    ]),
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-console': 'off',
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'describe', 'it'], package: 'node:test' },
          ],
        },
      ],
    },
  },
);
