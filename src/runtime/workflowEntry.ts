/**
 * What the worker bundles: the catalog's workflow modules (`src/integrations/<id>/workflow.ts`), each
 * workflow exported under its name, and nothing else of the catalog. The SDK evaluates the bundle's
 * modules again for every workflow it starts (each run has its own module state), so the catalog's
 * definitions, settings and schemas, bundled through src/integrations/workflows.ts, were evaluated on
 * every new run's first workflow task: ~4× slower (measured: `npm run bench`, README "Performance").
 *
 * The entry is written from the catalog when the worker starts, so there is still no list to keep. If an
 * integration's workflow does not live in its folder's workflow module, the catalog-built entry is used.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BundleOptions, WorkerOptions } from '@temporalio/worker';
import { CATALOG, type IntegrationDefinition } from '../integrations/catalog';

const CATALOG_ENTRY = require.resolve('../integrations/workflows');

/** The project's node_modules: the generated entry lives in a temporary directory, outside the project. */
const NODE_MODULES = path.resolve(
  path.dirname(require.resolve('@temporalio/workflow/package.json')),
  '..',
  '..',
);

export interface WorkflowEntry {
  workflowsPath: string;
  bundlerOptions: NonNullable<WorkerOptions['bundlerOptions']>;
  /** The same, for bundleWorkflowCode (a bundle built once, as the tests do). */
  bundleOptions: Pick<BundleOptions, 'workflowsPath' | 'webpackConfigHook'>;
}

export function workflowEntry(catalog: readonly IntegrationDefinition[] = CATALOG): WorkflowEntry {
  return entryAt(writeEntry(catalog) ?? CATALOG_ENTRY);
}

/** The workflow modules' entry file, or undefined when a workflow is not in its folder's module. */
function writeEntry(catalog: readonly IntegrationDefinition[]): string | undefined {
  const lines: string[] = [];
  for (const { id, workflow } of catalog) {
    let file: string;
    try {
      file = require.resolve(path.resolve(__dirname, '..', 'integrations', id, 'workflow'));
    } catch {
      return undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if ((require(file) as Record<string, unknown>)[workflow.name] !== workflow) return undefined;
    lines.push(`export { ${workflow.name} } from ${JSON.stringify(file)};`);
  }
  try {
    const entry = path.join(mkdtempSync(path.join(os.tmpdir(), 'switchboard-workflows-')), 'workflows.js');
    writeFileSync(entry, `${lines.join('\n')}\n`);
    return entry;
  } catch {
    return undefined; // no writable temporary directory
  }
}

function entryAt(workflowsPath: string): WorkflowEntry {
  // The entry may sit outside the project: webpack also looks for packages in the project's node_modules.
  const webpackConfigHook: BundleOptions['webpackConfigHook'] = (config) => ({
    ...config,
    resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? ['node_modules']), NODE_MODULES] },
  });
  return {
    workflowsPath,
    bundlerOptions: { webpackConfigHook },
    bundleOptions: { workflowsPath, webpackConfigHook },
  };
}
