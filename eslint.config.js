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
