import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // One program for every package's sources and tests (the viewer's UI has its own): half the time of one per tsconfig.
      parserOptions: { project: ['./tsconfig.eslint.json', './packages/viewer/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
        Headers: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        crypto: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // node:test's describe and it return promises its runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // The store's interface is async for PostgreSQL; SQLite implements it synchronously.
      '@typescript-eslint/require-await': 'off',
      // An abort rejects with its signal's reason (typed any) and a caught failure is rethrown as it came (unknown).
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Callbacks are declared with method syntax on plain objects of closures (cleanup, release, onSelect): none needs this.
      '@typescript-eslint/unbound-method': 'off',
      // Messages name a value they were given with String(), whatever it is; narrowed unknowns read as {} here.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['packages/*/test/**/*.ts'],
    rules: {
      // Tests read JSON-parsed replies (the harness types them any) and assert on their fields.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Plain JavaScript (bench, scripts, build files) belongs to no TypeScript project.
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'packages/viewer/assets-dir.d.ts'], ...tseslint.configs.disableTypeChecked },
);
