/**
 * The worker's bundle entry exports every catalog workflow under its name, each from its own module; the
 * generated code is kept only where no other user of the machine can write, since the worker runs it.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOG } from '../integrations/catalog';
import { generatedCodeDirectory, workflowEntry } from './workflowEntry';

test('every catalog workflow, under its own name, loaded from its folder only when a run starts', () => {
  const { workflowsPath } = workflowEntry();
  const code = readFileSync(workflowsPath, 'utf8');
  for (const { id, workflow } of CATALOG) {
    expect(code).toContain(`exports.${workflow.name} = function ${workflow.name}(`);
    expect(code).toMatch(
      new RegExp(`require\\(".*/integrations/${id}/workflow\\.[jt]s"\\)\\.${workflow.name}\\(`),
    );
  }
  // Nothing else of the catalog: definitions, settings and schemas stay out of every run's modules.
  expect(code).not.toMatch(/catalog|definition|settings/);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the generated entry is CommonJS
  const exported = require(workflowsPath) as Record<string, unknown>;
  expect(Object.keys(exported).sort()).toEqual(CATALOG.map((i) => i.workflow.name).sort());
});

test('every workflow module is preloaded once per worker, zod guarded for frozen regexes', () => {
  const { bundlerOptions, bundleOptions } = workflowEntry();
  const files = CATALOG.map(({ id }) => require.resolve(`../integrations/${id}/workflow`));
  expect(bundlerOptions.preloadModules).toEqual(files);
  expect(bundleOptions.preloadModules).toEqual(files);
  const config = bundleOptions.webpackConfigHook!({ module: { rules: [] } });
  const rule = config.module!.rules!.find((r) => r && typeof r === 'object' && 'loader' in r) as {
    test: RegExp;
    loader: string;
  };
  expect(rule.test.test('/app/node_modules/zod/v4/core/checks.cjs')).toBe(true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the generated loader is CommonJS
  const guard = require(rule.loader) as (source: string) => string;
  expect(guard('def.pattern.lastIndex = 0;')).toBe(
    'if (!Object.isFrozen(def.pattern)) def.pattern.lastIndex = 0;',
  );
});

test('the same code is written once, under a name made from its content', () => {
  expect(workflowEntry().workflowsPath).toBe(workflowEntry().workflowsPath);
});

test('an integration whose workflow is not in its folder module falls back to the catalog-built entry', () => {
  const [first] = CATALOG;
  const elsewhere = {
    ...first,
    workflow: Object.defineProperty(async () => undefined, 'name', { value: 'movedAway' }),
  };
  expect(workflowEntry([elsewhere]).workflowsPath).toBe(require.resolve('../integrations/workflows'));
});

const bases: string[] = [];
const freshBase = () => {
  bases.push(mkdtempSync(path.join(os.tmpdir(), 'generated-code-test-')));
  return bases.at(-1)!;
};
afterAll(() => bases.forEach((base) => rmSync(base, { recursive: true, force: true })));

test('generated code goes to a shared directory private to this user, made if missing', () => {
  const base = freshBase();
  const dir = generatedCodeDirectory(base);
  expect(dir).toBe(path.join(base, 'switchboard-workflows'));
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  expect(generatedCodeDirectory(base)).toBe(dir);
});

test('a shared directory of ours that others could write in is made private first', () => {
  const base = freshBase();
  const shared = path.join(base, 'switchboard-workflows');
  mkdirSync(shared);
  chmodSync(shared, 0o777);
  expect(generatedCodeDirectory(base)).toBe(shared);
  expect(statSync(shared).mode & 0o777).toBe(0o700);
});

test('a symbolic link in the shared directory’s place is not followed', () => {
  const base = freshBase();
  symlinkSync(freshBase(), path.join(base, 'switchboard-workflows'));
  expect(generatedCodeDirectory(base)).not.toBe(path.join(base, 'switchboard-workflows'));
});
