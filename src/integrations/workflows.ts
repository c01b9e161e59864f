/**
 * The worker's workflow bundle: every catalog entry's workflow, exported under its function's name (the
 * workflow type). Built from the catalog, so an integration in the catalog can never be missing from the
 * bundle. Everything the catalog imports is bundled too: definitions, like workflows, stay deterministic
 * (ESLint guards their imports). The worker itself bundles a lighter entry made from the same catalog
 * (src/runtime/workflowEntry.ts); this one serves the replay of histories and the tests.
 */
import type { Workflow } from '@temporalio/common';
import type { IntegrationDefinition } from './catalog';

// CommonJS on purpose: the exports' names come from the catalog at run time, which an ES module cannot
// express, and the bundler refuses `module.exports` in a module that also has an ES `import`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CATALOG } = require('./catalog') as { CATALOG: readonly IntegrationDefinition[] };

const workflows: Record<string, Workflow> = Object.fromEntries(
  CATALOG.map((i) => [i.workflow.name, i.workflow]),
);

export = workflows;
