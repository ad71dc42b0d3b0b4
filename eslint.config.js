import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const uiAndStorage = {
  patterns: [
    { group: ['react', 'react/*', 'react-dom', 'react-dom/*'], message: 'src/core and toolkit stay free of React.' },
    { group: ['zustand', 'zustand/*', 'idb-keyval'], message: 'src/core and toolkit stay free of the store and browser storage.' },
    { group: ['**/store', '**/store/*', '**/ui', '**/ui/*', '**/engines/*'], message: 'src/core and toolkit must not import the store, the UI or in-browser engines.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'playwright-report', 'test-results', 'reports', 'public'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/core/**/*.ts', 'toolkit/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', uiAndStorage] },
  },
);
