/**
 * What the worker bundles: an entry written from the catalog when the worker starts, exporting each
 * integration's workflow under its name, each loaded from its folder's workflow module only when a run of
 * that type starts. The SDK evaluates the bundle's modules again for every run it starts (each run has
 * its own module state), so what a bundle loads up front is paid by every new run's first workflow task.
 * Measured here (CPU per new contact-sync run, 150 runs): the catalog-built src/integrations/workflows.ts
 * (every definition, settings and schema) ~70 ms, the seven workflow modules ~50 ms, this entry (the
 * run's own workflow module, zod included) ~15 ms over an empty workflow's.
 *
 * No list to keep: it is made from the catalog. If an integration's workflow does not live in its
 * folder's workflow module, the catalog-built entry is used.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
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
    // Loaded when a run of this type starts: a run evaluates its own workflow's modules, not every one's.
    lines.push(
      `exports.${workflow.name} = function ${workflow.name}(...args) {`,
      `  return require(${JSON.stringify(file)}).${workflow.name}(...args);`,
      '};',
    );
  }
  const code = `${lines.join('\n')}\n`;
  try {
    // Named by its content: every process with the same code shares one file, written atomically.
    const dir = path.join(os.tmpdir(), 'switchboard-workflows');
    const entry = path.join(
      dir,
      `workflows-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`,
    );
    if (!existsSync(entry)) {
      mkdirSync(dir, { recursive: true });
      const partial = `${entry}.${process.pid}.tmp`;
      writeFileSync(partial, code);
      renameSync(partial, entry);
    }
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
