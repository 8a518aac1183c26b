// Type-aware lint for the whole project (src, test, e2e, bench); formatting is Prettier's job.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'coverage/', 'test-artifacts/', 'node_modules/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      // Unused arguments are kept where a signature is a contract (Koa middleware, listeners).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // An async method that does not await is how an implementation of a Promise-returning
      // interface (MemoryStore beside FileStore, a fake peer) turns its throws into rejections.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      // expect(mock.method) and jest's matchers trip these without finding anything wrong.
      '@typescript-eslint/unbound-method': 'off',
      // Tests read JSON answers (any) and assert their shape with expect(); typing every body
      // first would restate the OpenAPI document, which the contract tests already check.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  { files: ['**/*.js'], languageOptions: { globals: globals.node, sourceType: 'commonjs' } },
  {
    // The explorer's page: ES modules run by the browser (tsconfig.explorer.json type-checks them).
    files: ['src/explorer/page/**/*.js'],
    // The block above gives every .js file Node's globals: here only the browser's count.
    languageOptions: {
      globals: { ...Object.fromEntries(Object.keys(globals.node).map((name) => [name, 'off'])), ...globals.browser },
      sourceType: 'module',
    },
    rules: {
      // Data reaches the page as text only: transactions come from anyone.
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({
          property,
          message: 'Write text (textContent, el()), never markup.',
        })),
      ],
    },
  },
);
