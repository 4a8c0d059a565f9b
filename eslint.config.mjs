// Lint: TypeScript rules everywhere; workflows/ must stay deterministic and free of I/O. Imports
// between our own folders: scripts/import-directions.ts (also run by `npm run lint`).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', '.temporal/', 'db/migrations/', 'coverage/', 'web/dist/', 'artifacts/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON bodies loosely.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // A workflow reads as the handlers it wires and the loop it runs (issue 15): each part of it
      // in a function of its own, none longer than a screen.
      'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code is deterministic: no Node builtins (do I/O in an activity).',
          })),
          // Which of our own modules a workflow may import (domain/, the Activities type) is checked
          // with every other room's directions by scripts/import-directions.ts; packages here.
          patterns: [
            {
              group: [
                'fastify',
                'drizzle-orm',
                'drizzle-orm/*',
                'postgres',
                '@electric-sql/*',
                'pino',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Not available inside the workflow sandbox.',
            },
          ],
        },
      ],
    },
  },
);
