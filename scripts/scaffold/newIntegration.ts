/**
 * `npm run new-integration -- <id> --from <system> --to <system>`: creates src/integrations/<id>/ — the
 * smallest working integration (one webhook trigger, one activity), the shape of github-issue-to-slack —
 * with its settings, a stubbed-activity workflow test and an end-to-end test through the gateway and the
 * sandbox, and registers it with one line in src/integrations/catalog.ts. Right after it, `npm run
 * typecheck` and `npm test` pass. A bad id, an unknown system or an existing folder writes nothing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ScaffoldError } from './registry';
import { SOURCE_RECIPES } from './sources';
import { TARGET_RECIPES, type Names } from './targets';

export { ScaffoldError };

const ROOT = path.resolve(__dirname, '..', '..');
const USAGE = 'usage: npm run new-integration -- <id> --from <system> --to <system>';

const camel = (id: string) => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (id: string) => camel(id).replace(/^./, (c) => c.toUpperCase());

export function parseArgs(argv: string[]): { id: string; from: string; to: string } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--from' || arg === '--to') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new ScaffoldError(`${arg} needs a system name\n${USAGE}`);
      flags[arg.slice(2)] = value;
    } else if (arg.startsWith('--')) throw new ScaffoldError(`unknown option ${arg}\n${USAGE}`);
    else positional.push(arg);
  }
  if (positional.length !== 1 || !flags.from || !flags.to) throw new ScaffoldError(USAGE);
  return { id: positional[0], from: flags.from, to: flags.to };
}

/** Everything is checked before anything is written. */
export function planIntegration(id: string, from: string, to: string, root = ROOT) {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id) || id.length > 40)
    throw new ScaffoldError(
      `"${id}" is not a valid integration id: lowercase letters, digits and single hyphens, starting with a letter, at most 40 characters (e.g. probe-sync)`,
    );
  if (id === 'kit') throw new ScaffoldError('"kit" is reserved: it holds what integrations share');
  const dir = path.join(root, 'src', 'integrations', id);
  if (existsSync(dir)) throw new ScaffoldError(`src/integrations/${id}/ already exists: choose another id`);
  const source = SOURCE_RECIPES[from];
  if (!source)
    throw new ScaffoldError(
      `--from ${from}: not a webhook sender Switchboard knows; one of ${Object.keys(SOURCE_RECIPES).join(', ')}` +
        ' (a new system first: npm run new-system)',
    );
  const target = TARGET_RECIPES[to];
  if (!target)
    throw new ScaffoldError(
      `--to ${to}: no scaffold for that target; one of ${Object.keys(TARGET_RECIPES).join(', ')}` +
        ' (scaffold with --to slack and swap the activity: docs/writing-an-integration.md, "Another target")',
    );
  const catalogFile = path.join(root, 'src', 'integrations', 'catalog.ts');
  const catalog = readFileSync(catalogFile, 'utf8');
  const names: Names = {
    id,
    camel: camel(id),
    pascal: pascal(id),
    env: id.toUpperCase().replace(/-/g, '_'),
    from,
    to,
  };
  if (new RegExp(`\\b${names.camel}\\b`).test(catalog))
    throw new ScaffoldError(`"${names.camel}" is already in the catalog: choose another id`);
  const files: Record<string, string> = {
    'index.ts': indexFile(names),
    'definition.ts': definitionFile(names, source),
    'settings.ts': target.settings(names),
    'mapping.ts': target.mapping(names, source),
    'workflow.ts': target.workflow(names, source),
    'workflow.test.ts': target.workflowTest(names),
    [`${id}.int.test.ts`]: target.endToEndTest(names, source),
  };
  return { dir, files, catalogFile, catalog: registerIn(catalog, names) };
}

/** One line in the catalog (and its import). */
function registerIn(catalog: string, n: Names): string {
  const lines = catalog.split('\n');
  const lastImport = lines.map((l) => l.startsWith('import * as ')).lastIndexOf(true);
  const open = lines.findIndex((l) => l.startsWith('export const INTEGRATIONS = {'));
  const close = lines.findIndex((l, i) => i > open && l === '};');
  if (lastImport < 0 || open < 0 || close < 0)
    throw new ScaffoldError(
      'src/integrations/catalog.ts no longer has the INTEGRATIONS registry the scaffold edits',
    );
  lines.splice(close, 0, `  ${n.camel},`);
  lines.splice(lastImport + 1, 0, `import * as ${n.camel} from './${n.id}';`);
  return lines.join('\n');
}

function indexFile(n: Names): string {
  return `/** ${n.id} as the catalog sees it: its definition and its settings (\`config.${n.camel}\`). */
export { ${n.camel}Integration as definition } from './definition';
export { ${n.camel}Settings as settings } from './settings';
`;
}

function definitionFile(n: Names, source: (typeof SOURCE_RECIPES)[string]): string {
  return `import { defineIntegration, type StartPlan } from '../kit/types';
import { ${n.env}_MAP, eventOf } from './mapping';
import { ${n.camel} } from './workflow';

export const ${n.camel}Integration = defineIntegration({
  id: '${n.id}',
  title: '${n.from} → ${n.to}',
  // Say what flows, in which direction and why: GET /integrations and the catalog page show it.
  description:
    'Scaffolded by npm run new-integration: every ${n.from} ${source.eventType} event becomes one ${n.to} ' +
    'call. Replace the placeholder event with the ones this integration is for.',
  workflow: ${n.camel},
  triggers: { webhooks: [{ source: '${n.from}', eventTypes: ['${source.eventType}'] }] },
  from: { system: '${n.from}', records: '${source.records}' },
  to: [{ system: '${n.to}', records: '${TARGET_RECIPES[n.to].records}' }],
  direction: 'one-way',
  frequency: 'real time: one run per ${n.from} event, seconds after the webhook',
  fieldMaps: { '${n.from} event → ${n.to}': ${n.env}_MAP },
  planFor(event, config): StartPlan<typeof ${n.camel}> {
    return {
      mode: 'start',
      // One run per event: a redelivery of the same event is a duplicate, never a second call.
      workflowId: \`${n.id}/${n.from}/\${event.eventId}\`,
      recordId: event.recordId,
      args: [{ event: eventOf(event), ...${TARGET_RECIPES[n.to].inputFromConfig(n)} }],
      summary: \`${n.from} \${event.eventType} \${event.recordId ?? event.eventId} → ${n.to}\`,
    };
  },
});
`;
}

/** Generated code is written as Prettier would format it, so `npm run lint` passes untouched. */
async function formatted(file: string, text: string): Promise<string> {
  // Loaded when used: the checks (and their tests, under Jest's CommonJS runtime) never need Prettier.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

export async function scaffoldIntegration(argv: string[], root = ROOT): Promise<string[]> {
  const { id, from, to } = parseArgs(argv);
  const plan = planIntegration(id, from, to, root);
  const files = await Promise.all(
    Object.entries(plan.files).map(async ([name, text]) => {
      const file = path.join(plan.dir, name);
      return [file, await formatted(file, text)] as const;
    }),
  );
  const catalog = await formatted(plan.catalogFile, plan.catalog);
  mkdirSync(plan.dir);
  for (const [file, text] of files) writeFileSync(file, text);
  writeFileSync(plan.catalogFile, catalog);
  return [
    ...Object.keys(plan.files).map((f) => `src/integrations/${id}/${f}`),
    'src/integrations/catalog.ts (one line)',
  ];
}

if (require.main === module) {
  scaffoldIntegration(process.argv.slice(2)).then(
    (written) => {
      console.log(`created:\n  ${written.join('\n  ')}`);
      console.log(
        '\nnext: npm run typecheck && npm test   (the new tests are among those that run)\n' +
          'then: replace the placeholder event and mapping, and read docs/writing-an-integration.md',
      );
    },
    (err: unknown) => {
      if (!(err instanceof ScaffoldError)) throw err;
      console.error(`new-integration: ${err.message}`);
      process.exit(2);
    },
  );
}
