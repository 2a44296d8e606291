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
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'No dangerouslySetInnerHTML: captured and imported content is untrusted (DESIGN.md, Security model).',
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
    // Schemas and records are Zod: their types are fine (`import type` is erased), their values are not.
    files: ['entrypoints/chatgpt.content/**', 'entrypoints/claude.content/**', 'lib/hosts/**', 'lib/content/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react-dom', 'react/*', 'dexie', 'dexie-react-hooks', '**/lib/db', '**/lib/db/**', 'zod', 'zod/*'], message: 'The content script runs on the host page: no React, no database, no Zod.' },
            { group: ['**/lib/messaging/schemas', '**/lib/workflow/records', '**/lib/workflow/schema'], allowTypeImports: true, message: 'Zod schemas: import their types only (`import type`).' },
          ],
        },
      ],
    },
  },
  {
    // The panel is a framed third-party page that reads through the background's port (DESIGN.md,
    // Architecture): no database in it, and nothing that drags Dexie or Zod into its bundle. Types
    // from those modules are fine (\`import type\` is erased); values are not.
    files: ['components/panel/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'dexie', message: 'The panel has no database: it reads through the port (components/panel/bridge-client.ts).' },
            { name: 'dexie-react-hooks', message: 'The panel has no database: use useBridgeQuery (components/panel/bridge-client.ts).' },
            { name: 'zod', message: 'The background validates what the panel sends; full Zod would weigh down the panel bundle.' },
          ],
          patterns: [
            { group: ['**/lib/db', '**/lib/db/**'], allowTypeImports: true, message: 'The panel has no database: use components/panel/data.ts.' },
            {
              group: ['**/lib/background/panel-bridge', '**/lib/messaging/schemas', '**/lib/workflow/records', '**/lib/workflow/schema', '**/lib/workflow/validate', '**/lib/workflow/file'],
              allowTypeImports: true,
              message: 'This module pulls Dexie or Zod into the panel bundle: import its types only (`import type`), or move the value to a light module.',
            },
          ],
        },
      ],
    },
  },
);
