import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'playwright-report/**', 'test/e2e/mock-sites/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['entrypoints/**/*.tsx', 'components/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Node scripts (build helpers, benchmarks).
    files: ['scripts/**/*.mjs', '*.config.{js,ts}'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='innerHTML'][parent.type='AssignmentExpression']",
          message: 'No innerHTML: captured and imported content is untrusted (DESIGN.md, Security model).',
        },
      ],
    },
  },
  {
    // Tests build their own fixture DOM; the rule guards product code.
    files: ['test/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The content script runs on the host page: no React, no database.
    files: ['entrypoints/host.content/**', 'lib/hosts/**', 'lib/content/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['react', 'react-dom', 'react/*', 'dexie', 'dexie-react-hooks', '**/lib/db/**', 'zod'] },
      ],
    },
  },
);
