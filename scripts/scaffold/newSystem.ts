/**
 * `npm run new-system -- <name> --webhook <scheme>`: creates src/systems/<name>/ for a new external system —
 * settings (base URL, API key, timeout, rate limit, webhook secrets), schemas (a sample record, the webhook
 * envelope), the connector (`get<Name>Record`, `upsert<Name>Record` over src/http), its sandbox stand-in,
 * with a webhook scheme the verifier (the existing one of that scheme) and the envelope → events, and their
 * tests — and registers it everywhere a system is listed (see `registrations`), then regenerates the settings
 * docs (.env.example, README) since production needs its credentials. Right after it, the type check, lint
 * and its tests pass. A bad name, an unknown scheme, an existing folder or a registry that lost its anchor
 * gets a clear error and writes nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RegistryEdit, ScaffoldError } from './registry';
import { WEBHOOK_SCHEMES, type SystemNames, type WebhookScheme } from './schemes';
import { systemFiles } from './systemFiles';

export { ScaffoldError };

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMES = Object.keys(WEBHOOK_SCHEMES).join(', ');
const USAGE = `usage: npm run new-system -- <name> --webhook <scheme>\n  scheme: one of ${SCHEMES}`;

/** Names that would collide with the layout (src/systems/*.ts, the Sandbox object) or with JavaScript. */
const RESERVED = new Set([
  ...['kit', 'index', 'settings', 'webhooks', 'activities', 'sandbox', 'alerts', 'core', 'systems'],
  ...['url', 'port', 'recorders', 'faults', 'close', 'config', 'http', 'gateway', 'runtime', 'integrations'],
  ...['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else'],
  ...['enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof'],
  ...['new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void'],
  ...['while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private'],
  ...['protected', 'public', 'await', 'async', 'of', 'undefined', 'arguments', 'eval', 'constructor'],
]);

export function parseSystemArgs(argv: string[]): { name: string; webhook: string } {
  const positional: string[] = [];
  let webhook: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--webhook') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new ScaffoldError(`--webhook needs a scheme\n${USAGE}`);
      webhook = value;
    } else if (arg.startsWith('--')) throw new ScaffoldError(`unknown option ${arg}\n${USAGE}`);
    else positional.push(arg);
  }
  if (positional.length !== 1 || webhook === undefined) throw new ScaffoldError(USAGE);
  return { name: positional[0], webhook };
}

export function systemNames(name: string): SystemNames {
  const pascal = name.charAt(0).toUpperCase() + name.slice(1);
  return { name, pascal, upper: name.toUpperCase(), title: pascal };
}

export interface SystemPlan {
  names: SystemNames;
  webhook: string;
  dir: string;
  /** File name in `dir` → content. */
  files: Record<string, string>;
  registries: RegistryEdit[];
}

/** Everything is checked, and every edit computed, before anything is written. */
export function planSystem(name: string, webhook: string, root = ROOT): SystemPlan {
  if (!/^[a-z][a-z0-9]{1,29}$/.test(name))
    throw new ScaffoldError(
      `"${name}" is not a valid system name: lowercase letters and digits, starting with a letter, 2 to 30 ` +
        'characters (e.g. acme); it names the folder, the webhook source, the task queue api.<name> and the ' +
        "settings' prefix <NAME>_",
    );
  if (RESERVED.has(name)) throw new ScaffoldError(`"${name}" is reserved: choose another system name`);
  if (!Object.hasOwn(WEBHOOK_SCHEMES, webhook))
    throw new ScaffoldError(
      `--webhook ${webhook}: not a signature scheme Switchboard verifies; one of ${SCHEMES}`,
    );
  const scheme = WEBHOOK_SCHEMES[webhook];
  const dir = path.join(root, 'src', 'systems', name);
  if (existsSync(dir)) throw new ScaffoldError(`src/systems/${name}/ already exists: choose another name`);
  const names = systemNames(name);
  refuseTakenSettings(names, scheme, root);
  return {
    names,
    webhook,
    dir,
    files: systemFiles(names, scheme),
    registries: registrations(names, scheme, root),
  };
}

/** The settings the system declares must be new: `temporal` would read TEMPORAL_API_KEY, a core setting. */
function refuseTakenSettings(n: SystemNames, scheme: WebhookScheme | null, root: string): void {
  const suffixes = ['BASE_URL', 'TIMEOUT_MS', 'RATE_LIMIT_PER_SECOND', 'MAX_RESPONSE_BYTES', 'API_KEY'];
  if (scheme) suffixes.push('WEBHOOK_SECRETS');
  const settingsFiles = (dir: string) =>
    existsSync(path.join(root, dir))
      ? readdirSync(path.join(root, dir)).map((d) => path.join(dir, d, 'settings.ts'))
      : [];
  const declaring = [
    'src/config.ts',
    '.env.example',
    ...settingsFiles('src/systems'),
    ...settingsFiles('src/integrations'),
  ].filter((f) => existsSync(path.join(root, f)));
  for (const file of declaring) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const taken = suffixes.map((s) => `${n.upper}_${s}`).find((env) => new RegExp(`\\b${env}\\b`).test(text));
    if (taken) throw new ScaffoldError(`${taken} is already a setting (${file}): choose another system name`);
  }
}

/**
 * Every registry a system is listed in. An API system: src/systems/index.ts (SYSTEMS, its activity options),
 * src/systems/activities.ts (its activities on its own task queue), src/systems/settings.ts (its settings,
 * composed by src/config.ts) and src/sandbox/server.ts (its stand-in). A webhook sender as well:
 * src/systems/webhooks.ts (POST /webhooks/<name>), src/config.ts (WEBHOOK_SOURCE_NAMES: its secrets),
 * and for `npm run new-integration -- <id> --from <name>` scripts/scaffold/sources.ts and
 * test/helpers/webhookSamples.ts (a signed sample event).
 */
function registrations(n: SystemNames, scheme: WebhookScheme | null, root: string): RegistryEdit[] {
  const { name, pascal } = n;
  const index = new RegistryEdit(root, 'src/systems/index.ts');
  const settings = new RegistryEdit(root, 'src/systems/settings.ts');
  const webhooks = new RegistryEdit(root, 'src/systems/webhooks.ts');
  const config = new RegistryEdit(root, 'src/config.ts');
  const taken: [RegistryEdit, string, string][] = [
    [index, 'export const SYSTEMS = [', 'SYSTEMS'],
    [settings, 'export const SYSTEM_SETTINGS = {', 'SYSTEM_SETTINGS'],
    [webhooks, 'export const WEBHOOK_SOURCES', 'WEBHOOK_SOURCES'],
    [config, 'export const WEBHOOK_SOURCE_NAMES = [', 'WEBHOOK_SOURCE_NAMES'],
  ];
  for (const [file, opener, list] of taken)
    if (file.namesIn(opener).includes(name))
      throw new ScaffoldError(`"${name}" is already in ${list} (${file.file}): choose another name`);

  index
    .addToBlock('export const SYSTEMS = [', `'${name}',`)
    .addToBlock(
      'export const SYSTEM_ACTIVITY_OPTIONS',
      `${name}: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '10m', retry: { ...standardRetry } },`,
    );
  const activities = new RegistryEdit(root, 'src/systems/activities.ts')
    .addImport(`import { create${pascal}Activities } from './${name}/api';`)
    .addToBlock('  const systems = {', `${name}: create${pascal}Activities(http),`);
  settings
    .addImport(`import { ${name}Settings } from './${name}/settings';`)
    .addToBlock('export const SYSTEM_SETTINGS = {', `${name}: ${name}Settings,`);
  const construction = scheme
    ? [
        `  const ${name} = new ${pascal}Sandbox({`,
        `    apiKey: expectedCredential(systems.${name}.auth),`,
        `    webhookSecret: webhookSecrets.${name}[0],`,
        `    webhookUrl: () => gatewayUrl && \`\${gatewayUrl}/webhooks/${name}\`,`,
        '  });',
        '',
      ]
    : [`  const ${name} = new ${pascal}Sandbox({ apiKey: expectedCredential(systems.${name}.auth) });`, ''];
  const start = 'export async function startSandbox(';
  const server = new RegistryEdit(root, 'src/sandbox/server.ts')
    .addImport(`import { ${pascal}Sandbox } from '../systems/${name}/sandbox';`)
    .addBefore('  recorders:', [`  ${name}: ${pascal}Sandbox;`], { within: 'export interface Sandbox {' })
    .addBefore('  const standIns', construction, { within: start, above: 'comments' })
    .addToBlock(
      '  const standIns',
      `{ name: '${name}', router: () => ${name}.router(), controlRouter: () => ${name}.controlRouter() },`,
    )
    .addBefore('    recorders,', [`    ${name},`], { within: start });
  if (!scheme) return [index, activities, settings, server];

  webhooks
    .addImport(`import { ${name}Source } from './${name}/webhook';`)
    .addToBlock('export const WEBHOOK_SOURCES', `${name}: source(${name}Source),`);
  config.addToBlock('export const WEBHOOK_SOURCE_NAMES = [', `'${name}',`);
  const sources = new RegistryEdit(root, 'scripts/scaffold/sources.ts').addToBlock(
    'export const SOURCE_RECIPES',
    `${name}: { eventType: 'record.updated', records: 'records (updated)', sampleRecordId: '\`rec-\${Date.now()}\`' },`,
  );
  const sampleBody =
    scheme.envelope === 'standard'
      ? '{ type: eventType, timestamp: now.toISOString(), data: { id: recordId } }'
      : '{ id: eventId, type: eventType, timestamp: now.toISOString(), data: { id: recordId } }';
  const samples = new RegistryEdit(root, 'test/helpers/webhookSamples.ts')
    .addBefore('    default:', [`    case '${name}':`, `      return ${sampleBody};`], {
      within: 'function sampleBody(',
    })
    .addBefore('    default:', [`    case '${name}':`, `      return ${scheme.sampleSigner(n)};`], {
      within: 'function signatureHeaders(',
    });
  return [index, activities, settings, server, webhooks, config, sources, samples];
}

/** Generated code is written as Prettier would format it, so `npm run lint` passes untouched. */
async function formatted(file: string, text: string): Promise<string> {
  // Loaded when used: the checks (and their tests, under Jest's CommonJS runtime) never need Prettier.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** A registry is reformatted only if it was formatted before: someone's unformatted edit stays as it is. */
async function formattedEdit(edit: RegistryEdit): Promise<string> {
  const prettier = await import('prettier');
  const options = { ...((await prettier.resolveConfig(edit.path)) ?? {}), filepath: edit.path };
  return (await prettier.check(edit.original, options)) ? prettier.format(edit.text(), options) : edit.text();
}

/**
 * .env.example and README's settings table, regenerated by scripts/settingsDocs.ts from the declarations,
 * the new system's among them: loaded only after it is written, so nothing may have loaded them before.
 */
function settingsDocsWriter(root: string): () => string[] {
  const loaded = ['src/config.ts', 'src/systems/settings.ts'].filter(
    (f) => require.cache[path.join(root, f)] !== undefined,
  );
  if (loaded.length > 0)
    throw new ScaffoldError(
      `${loaded.join(', ')} already loaded in this process: run the scaffold as its own process (npm run new-system)`,
    );
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const docs = require(path.join(root, 'scripts', 'settingsDocs')) as typeof import('../settingsDocs');
    const changed: string[] = [];
    const envExample = docs.renderEnvExample();
    if (!existsSync(docs.ENV_EXAMPLE) || readFileSync(docs.ENV_EXAMPLE, 'utf8') !== envExample) {
      writeFileSync(docs.ENV_EXAMPLE, envExample);
      changed.push('.env.example');
    }
    const readme = readFileSync(docs.README, 'utf8');
    const updated = docs.updateReadme(readme);
    if (updated !== readme) {
      writeFileSync(docs.README, updated);
      changed.push('README.md');
    }
    return changed;
  };
}

/** What a plan writes, formatted: the new folder's files, the registries' new texts, the docs to regenerate. */
export interface SystemWrites {
  files: (readonly [string, string])[];
  registries: (readonly [RegistryEdit, string])[];
  /** Regenerates the settings docs once the system is written; returns the files it changed. */
  docs: () => string[];
}

/** All or nothing: a failure part of the way (a registry edited meanwhile, the docs) takes back what was written. */
export function writeSystem(plan: SystemPlan, writes: SystemWrites, root = ROOT): string[] {
  const docFiles = ['.env.example', 'README.md'].map((f) => path.join(root, f));
  const docsBefore = docFiles.map((f) => [f, existsSync(f) ? readFileSync(f, 'utf8') : undefined] as const);
  const rewritten: RegistryEdit[] = [];
  try {
    mkdirSync(plan.dir);
    for (const [file, text] of writes.files) writeFileSync(file, text);
    for (const [edit, text] of writes.registries) {
      if (readFileSync(edit.path, 'utf8') !== edit.original)
        throw new ScaffoldError(
          `${edit.file} changed while the scaffold ran: nothing was kept, run it again`,
        );
      writeFileSync(edit.path, text);
      rewritten.push(edit);
    }
    const docs = writes.docs();
    return [
      ...Object.keys(plan.files).map((f) => `src/systems/${plan.names.name}/${f}`),
      ...plan.registries.map((edit) => `${edit.file} (registered)`),
      ...docs.map((f) => `${f} (settings docs, regenerated)`),
    ];
  } catch (err) {
    rmSync(plan.dir, { recursive: true, force: true });
    for (const edit of rewritten) writeFileSync(edit.path, edit.original);
    for (const [file, text] of docsBefore)
      if (text !== undefined && existsSync(file) && readFileSync(file, 'utf8') !== text)
        writeFileSync(file, text);
    throw err;
  }
}

export async function scaffoldSystem(argv: string[], root = ROOT): Promise<string[]> {
  const { name, webhook } = parseSystemArgs(argv);
  const plan = planSystem(name, webhook, root);
  const files = await Promise.all(
    Object.entries(plan.files).map(async ([file, text]) => {
      const full = path.join(plan.dir, file);
      return [full, await formatted(full, text)] as const;
    }),
  );
  const registries = await Promise.all(
    plan.registries.map(async (edit) => [edit, await formattedEdit(edit)] as const),
  );
  return writeSystem(plan, { files, registries, docs: settingsDocsWriter(root) }, root);
}

if (require.main === module) {
  scaffoldSystem(process.argv.slice(2)).then(
    (written) => {
      const { name } = parseSystemArgs(process.argv.slice(2));
      console.log(`created:\n  ${written.join('\n  ')}`);
      console.log(
        `\nnext: npm run typecheck && npx jest src/systems/${name}   (its connector and webhook tests)\n` +
          `then: shape schemas.ts, api.ts and sandbox.ts after the real API, and read docs/writing-an-integration.md`,
      );
    },
    (err: unknown) => {
      if (!(err instanceof ScaffoldError)) throw err;
      console.error(`new-system: ${err.message}`);
      process.exit(2);
    },
  );
}
