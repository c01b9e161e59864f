// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.temporal/**',
      'data/**',
      'eslint.config.mjs',
      'jest.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed, and the bundle holds everything the catalog imports (definitions,
    // mappings, kit): it may import only the workflow SDK, kit/, its own folder (another integration's
    // mapping for a shared field map), systems/index.ts, systems/*/schemas.ts, systems/kit/zodIssue.ts and
    // settings (pure data); other modules only as types.
    files: ['src/integrations/*/*.ts', 'src/integrations/kit/*.ts'],
    ignores: [
      'src/integrations/*/*.test.ts',
      'src/integrations/kit/*.test.ts',
      'src/integrations/histories.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
                '@temporalio/testing',
                'node:*',
                'express',
                'pino',
                '../../config',
                '../../logger',
                '../../http/*',
                '../../gateway/*',
                '../../runtime/*',
                '../../sandbox/*',
                '../../gateway',
                '../../worker',
                '../../dev',
                '../../systems/activities',
                '../../systems/webhooks',
                '../../systems/kit/*',
                '!../../systems/kit/zodIssue',
                '../../systems/*/api',
                '../../systems/*/sandbox',
                '../../systems/*/webhook',
                '../../systems/*/signature',
                '../*/workflow',
                '../*/definition',
                '../catalog',
                '../histories',
                '../workflows',
              ],
              message:
                'workflow code is deterministic: import @temporalio/workflow, kit/, your own folder, systems/index and systems/*/schemas (anything else as a type)',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The sandbox is a test double of the outside world: only the sandbox itself, the stand-ins
    // (systems/*/sandbox.ts), `npm start` (src/dev.ts) and tests may import it.
    files: ['src/**/*.ts'],
    ignores: ['src/sandbox/**', 'src/systems/*/sandbox.ts', 'src/dev.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sandbox', '**/sandbox/*', './sandbox'],
              message: 'production code never imports the sandbox (src/sandbox, systems/*/sandbox.ts)',
            },
          ],
        },
      ],
    },
  },
);
