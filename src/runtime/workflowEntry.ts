/**
 * What the worker bundles: an entry written from the catalog when the worker starts, exporting each
 * integration's workflow under its name from its folder's workflow module.
 *
 * Those modules are preloaded: evaluated once per worker thread, when the SDK builds its reusable V8
 * context, and shared (deep-frozen) by every run. Without preloading the SDK evaluates, for every run it
 * creates (a new run, or a cached one evicted and replayed), each module the run loads: zod and the
 * schemas cost ~15 ms of CPU per contact-sync run here, and kept ~1.2 MB per cached run. Sharing is safe
 * because workflow modules hold no per-run state at module scope: constants, proxies and definitions
 * only (kit/iso3166.ts caches pure data, the same for every run).
 *
 * No list to keep: it is made from the catalog. If an integration's workflow does not live in its
 * folder's workflow module, the catalog-built entry is used, and nothing is preloaded.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
  bundleOptions: Pick<BundleOptions, 'workflowsPath' | 'webpackConfigHook' | 'preloadModules'>;
}

export function workflowEntry(catalog: readonly IntegrationDefinition[] = CATALOG): WorkflowEntry {
  const written = writeEntry(catalog);
  return written ? entryAt(written.entry, written.workflowModules) : entryAt(CATALOG_ENTRY, []);
}

/** The workflow modules' entry file, or undefined when a workflow is not in its folder's module. */
function writeEntry(
  catalog: readonly IntegrationDefinition[],
): { entry: string; workflowModules: string[] } | undefined {
  const lines: string[] = [];
  const workflowModules: string[] = [];
  for (const { id, workflow } of catalog) {
    let file: string;
    try {
      file = require.resolve(path.resolve(__dirname, '..', 'integrations', id, 'workflow'));
    } catch {
      return undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if ((require(file) as Record<string, unknown>)[workflow.name] !== workflow) return undefined;
    workflowModules.push(file);
    // Required when a run of this type starts; preloaded (below), the module is already in the shared cache.
    lines.push(
      `exports.${workflow.name} = function ${workflow.name}(...args) {`,
      `  return require(${JSON.stringify(file)}).${workflow.name}(...args);`,
      '};',
    );
  }
  const entry = writeGenerated('workflows', `${lines.join('\n')}\n`);
  return entry ? { entry, workflowModules } : undefined;
}

const privateDirectories = new Map<string, string>();

/**
 * Where generated code (the workflow entry, the bundle, a loader) is kept: the shared directory when this
 * user owns it (made private if an earlier version left it group-writable), else a private one for this
 * process, removed when it exits. The worker runs the code it finds there, so a directory another user of
 * the machine made, or a symbolic link, is never trusted. (Windows has no owners or modes to check.)
 */
export function generatedCodeDirectory(base = os.tmpdir()): string {
  const shared = path.join(base, 'switchboard-workflows');
  try {
    mkdirSync(shared, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stat = lstatSync(shared);
  if (process.getuid === undefined && stat.isDirectory()) return shared;
  if (stat.isDirectory() && stat.uid === process.getuid?.()) {
    if ((stat.mode & 0o022) !== 0) chmodSync(shared, 0o700);
    return shared;
  }
  let own = privateDirectories.get(base);
  if (!own) {
    const made = mkdtempSync(path.join(base, 'switchboard-workflows-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    privateDirectories.set(base, (own = made));
  }
  return own;
}

/**
 * Writes generated code into the temporary directory, named by its content, atomically: every process
 * with the same code shares one file. Undefined when there is no writable temporary directory.
 */
function writeGenerated(prefix: string, code: string, ext = 'js'): string | undefined {
  try {
    const dir = generatedCodeDirectory();
    const file = path.join(
      dir,
      `${prefix}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.${ext}`,
    );
    if (!existsSync(file)) {
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, code);
      renameSync(partial, file);
    }
    return file;
  } catch {
    return undefined;
  }
}

/**
 * A webpack loader for zod's modules in the workflow bundle. The SDK deep-freezes every preloaded module,
 * zod's shared format regexes (email, uuid…) included, and zod resets `pattern.lastIndex = 0` before each
 * test: on a frozen regex that assignment throws. The reset only matters for global or sticky regexes,
 * which zod's formats and our schemas never use (a frozen one of those could not run `test` at all), so a
 * frozen regex skips it. If zod changes that line, nothing is replaced and the workflow tests that parse
 * an email fail: the guard cannot go silently stale.
 */
const ZOD_FROZEN_REGEX_LOADER = `module.exports = function (source) {
  return source.replace(/([\\w$.]+)\\.lastIndex = 0;/g, 'if (!Object.isFrozen($1)) $1.lastIndex = 0;');
};
`;

function entryAt(workflowsPath: string, workflowModules: string[]): WorkflowEntry {
  const zodLoader =
    workflowModules.length > 0 ? writeGenerated('zod-loader', ZOD_FROZEN_REGEX_LOADER, 'cjs') : undefined;
  // Without the loader, zod's checks would throw in preloaded modules: then every run loads its own.
  const preloadModules = zodLoader ? workflowModules : [];
  const webpackConfigHook: BundleOptions['webpackConfigHook'] = (config) => ({
    ...config,
    // The entry may sit outside the project: webpack also looks for packages in the project's node_modules.
    resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? ['node_modules']), NODE_MODULES] },
    module: {
      ...config.module,
      rules: [
        ...(config.module?.rules ?? []),
        ...(zodLoader ? [{ test: /[\\/]node_modules[\\/]zod[\\/].*\.c?js$/, loader: zodLoader }] : []),
      ],
    },
  });
  return {
    workflowsPath,
    bundlerOptions: { webpackConfigHook, preloadModules },
    bundleOptions: { workflowsPath, webpackConfigHook, preloadModules },
  };
}
