/**
 * The settings declarations are the one source of truth: .env.example and README's table are generated
 * from them (`npm run settings:docs`), and every variable the code reads is declared.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  documentedHere,
  ENV_EXAMPLE,
  FIX,
  README,
  renderEnvExample,
  renderReadmeSection,
  ROOT,
  updateReadme,
} from '../scripts/settingsDocs';
import { SETTINGS_GROUPS } from './config';
import { integrationView } from './gateway/integrations';
import { CATALOG } from './integrations/catalog';

const declared = SETTINGS_GROUPS.flatMap((g) => g.settings);
const declaredNames = new Set(declared.map((s) => s.env));

/**
 * Variables the code may read that are not Switchboard settings: the OS's, Node's own (NODE_OPTIONS, read
 * by the worker to see which V8 flags its main thread started with), and the webhook target of the
 * stand-alone sandbox process (src/sandbox/main.ts, set by scripts/production/run.ts).
 */
const NOT_SETTINGS = new Set(['PATH', 'NODE_OPTIONS', 'SANDBOX_WEBHOOK_TARGET']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

/** The first line where two texts differ, to say what is stale. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const i = a.findIndex((line, n) => line !== e[n]);
  const at = i < 0 ? Math.min(a.length, e.length) : i;
  return `line ${at + 1}: found ${JSON.stringify(a[at] ?? '<end>')}, expected ${JSON.stringify(e[at] ?? '<end>')}`;
}

function expectUpToDate(file: string, actual: string, expected: string): void {
  if (actual !== expected)
    throw new Error(
      `${path.relative(ROOT, file)} is out of date with the settings declarations: run \`${FIX}\`\n` +
        firstDifference(actual, expected),
    );
}

test('.env.example is what `npm run settings:docs` writes', () => {
  expectUpToDate(ENV_EXAMPLE, readFileSync(ENV_EXAMPLE, 'utf8'), renderEnvExample());
});

test("README's settings table is what `npm run settings:docs` writes", () => {
  const readme = readFileSync(README, 'utf8');
  expectUpToDate(README, readme, updateReadme(readme));
});

test('every declaration appears in the generated docs, once', () => {
  const envExample = renderEnvExample();
  const table = renderReadmeSection();
  const catalogPage = JSON.stringify(CATALOG.map((i) => integrationView(i).settings));
  for (const s of SETTINGS_GROUPS.filter((g) => g.integration).flatMap((g) => g.settings))
    expect(catalogPage).toContain(`"env":"${s.env}"`);
  for (const s of documentedHere(SETTINGS_GROUPS).flatMap((g) => g.settings)) {
    expect(envExample).toMatch(new RegExp(`^#? ?${s.env}=`, 'm'));
    expect(table).toContain(`| \`${s.env}\``);
  }
  expect(declaredNames.size).toBe(declared.length);
});

test('every environment variable read in src is declared', () => {
  const reads = [
    /\bprocess\.env\.([A-Z][A-Z0-9_]*)/g,
    /\bprocess\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
    /\benv\.([A-Z][A-Z0-9_]*)\b/g,
    /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
    /\benvVar:\s*['"]([A-Z][A-Z0-9_]*)['"]/g,
  ];
  const undeclared: string[] = [];
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of reads)
      for (const [, name] of text.matchAll(pattern))
        if (!declaredNames.has(name) && !NOT_SETTINGS.has(name))
          undeclared.push(`${path.relative(ROOT, file)}: ${name}`);
  }
  expect(undeclared).toEqual([]);
});

test('settings files are plain data and zod: no Node APIs', () => {
  const files = [
    path.join(ROOT, 'src/settings.ts'),
    ...new Set(SETTINGS_GROUPS.map((g) => path.join(ROOT, g.file))),
  ].filter((f) => !f.endsWith(`${path.sep}config.ts`));
  for (const file of files) {
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect({ file, nodeImport: /from 'node:|require\(|process\./.test(text) }).toEqual({
      file,
      nodeImport: false,
    });
  }
});
