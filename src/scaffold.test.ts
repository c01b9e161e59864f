/**
 * The scaffolds' checks (scripts/scaffold): a bad name or id, an unknown scheme or system, an existing
 * folder, a registry that lost its anchor — each a ScaffoldError saying what is wrong, and nothing written.
 * They run on a temporary copy of the files the scaffolds read and edit, never on this tree.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, planIntegration } from '../scripts/scaffold/newIntegration';
import { parseSystemArgs, planSystem, ScaffoldError, writeSystem } from '../scripts/scaffold/newSystem';

const ROOT = path.resolve(__dirname, '..');
/** What the scaffolds read: the registries, the settings declarations, the folders they must not overwrite. */
const COPIED = [
  'src/systems',
  'src/integrations',
  'src/config.ts',
  'src/sandbox/server.ts',
  'scripts/scaffold/sources.ts',
  'test/helpers/webhookSamples.ts',
  '.env.example',
];

/** Of the folders, the registries and settings declarations; every folder, to see which exist. */
const needed = (from: string) =>
  COPIED.some((f) => from === path.join(ROOT, f)) ||
  (statSync(from).isDirectory()
    ? path.basename(from) !== 'histories'
    : /^(index|activities|settings|webhooks|catalog)\.ts$/.test(path.basename(from)));

/**
 * The id the planning tests scaffold: one nobody picks, so the README's own `npm run new-integration --
 * probe-sync …` in this checkout does not make them refuse it as an existing folder.
 */
const NEW_ID = 'zz-scaffold-test-probe';
const NEW_ID_CAMEL = 'zzScaffoldTestProbe';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'switchboard-scaffold-'));
  for (const file of COPIED)
    cpSync(path.join(ROOT, file), path.join(root, file), { recursive: true, filter: needed });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Every file under the copy with its content: what "nothing written" is checked against. */
function snapshot(dir = root): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) Object.assign(files, snapshot(full));
    else files[path.relative(root, full)] = readFileSync(full, 'utf8');
  }
  return files;
}

/** The ScaffoldError `run` throws, after checking that nothing under the copy changed. */
function refusal(run: () => unknown): string {
  const before = snapshot();
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(snapshot()).toEqual(before);
  expect(error).toBeInstanceOf(ScaffoldError);
  return (error as Error).message;
}

const edit = (file: string, change: (text: string) => string) =>
  writeFileSync(path.join(root, file), change(readFileSync(path.join(root, file), 'utf8')));

describe('new-system', () => {
  /** What every system gets, with a webhook or without. */
  const API_SYSTEM_FILES = ['api.int.test.ts', 'api.ts', 'sandbox.ts', 'schemas.ts', 'settings.ts'];
  const API_SYSTEM_REGISTRIES = [
    'src/systems/index.ts',
    'src/systems/activities.ts',
    'src/systems/settings.ts',
    'src/sandbox/server.ts',
  ];

  test('arguments: a name and --webhook <scheme>, nothing else', () => {
    expect(parseSystemArgs(['acme', '--webhook', 'stripe'])).toEqual({ name: 'acme', webhook: 'stripe' });
    expect(parseSystemArgs(['--webhook', 'none', 'acme'])).toEqual({ name: 'acme', webhook: 'none' });
    expect(() => parseSystemArgs(['acme'])).toThrow(/^usage: npm run new-system -- <name> --webhook/);
    expect(() => parseSystemArgs(['acme', '--webhook'])).toThrow(/--webhook needs a scheme/);
    expect(() => parseSystemArgs(['acme', '--webhook', 'none', '--auth', 'x'])).toThrow(
      /unknown option --auth/,
    );
    expect(() => parseSystemArgs(['acme', 'other', '--webhook', 'none'])).toThrow(ScaffoldError);
  });

  test.each(['Acme', '1acme', 'a', 'ac-me', 'ac_me', 'acme!', 'a'.repeat(31), ''])(
    'a bad name (%j) is refused, nothing written',
    (name) => {
      expect(refusal(() => planSystem(name, 'none', root))).toMatch(/is not a valid system name/);
    },
  );

  test.each(['kit', 'sandbox', 'url', 'recorders', 'new', 'default'])(
    'a reserved name (%s) is refused',
    (name) => {
      expect(refusal(() => planSystem(name, 'none', root))).toBe(
        `"${name}" is reserved: choose another system name`,
      );
    },
  );

  test.each(['hmac', 'HMAC-SHA256', 'toString', ''])('an unknown scheme (%j) is refused', (scheme) => {
    expect(refusal(() => planSystem('acme', scheme, root))).toMatch(
      /^--webhook .*: not a signature scheme Switchboard verifies; one of hmac-sha256, standard-webhooks, stripe, github, shopify, slack, hubspot-v3, zendesk, none$/,
    );
  });

  test.each(['hubspot', 'github', 'generic', 'mandrill'])('an existing folder (%s) is refused', (name) => {
    expect(refusal(() => planSystem(name, 'hmac-sha256', root))).toBe(
      `src/systems/${name}/ already exists: choose another name`,
    );
  });

  test('a name already registered, or settings already declared, are refused', () => {
    edit('src/systems/index.ts', (t) => t.replace("  'hubspot',\n", "  'hubspot',\n  'ghost',\n"));
    expect(refusal(() => planSystem('ghost', 'none', root))).toBe(
      '"ghost" is already in SYSTEMS (src/systems/index.ts): choose another name',
    );
    expect(refusal(() => planSystem('temporal', 'none', root))).toBe(
      'TEMPORAL_API_KEY is already a setting (src/config.ts): choose another system name',
    );
  });

  test.each([
    ['src/config.ts', 'export const WEBHOOK_SOURCE_NAMES = [', 'export const SENDER_NAMES = ['],
    ['src/sandbox/server.ts', '  recorders: Record<string, RequestRecorder>;', '  logs: string[];'],
    ['src/systems/activities.ts', '  const systems = {', '  const bySystem = {'],
    ['test/helpers/webhookSamples.ts', 'function signatureHeaders(', 'function headersFor('],
  ])('a registry that lost its anchor (%s) is named, nothing written', (file, anchor, replacement) => {
    edit(file, (t) => t.replace(anchor, replacement));
    expect(refusal(() => planSystem('acme', 'hmac-sha256', root))).toMatch(
      new RegExp(`^${file.replace(/[.]/g, '\\.')} no longer has .*, where the scaffold registers the system`),
    );
  });

  test('a plan computes every file and registry edit, and writes nothing', () => {
    const before = snapshot();
    const plan = planSystem('probe', 'stripe', root);
    expect(Object.keys(plan.files).sort()).toEqual([
      ...API_SYSTEM_FILES,
      'signature.ts',
      'webhook.test.ts',
      'webhook.ts',
    ]);
    expect(plan.registries.map((r) => r.file)).toEqual([
      ...API_SYSTEM_REGISTRIES,
      'src/systems/webhooks.ts',
      'src/config.ts',
      'scripts/scaffold/sources.ts',
      'test/helpers/webhookSamples.ts',
    ]);
    const text = Object.fromEntries(plan.registries.map((r) => [r.file, r.text()]));
    expect(text['src/systems/index.ts']).toMatch(/\n {2}'probe',\n\] as const;/);
    expect(text['src/systems/activities.ts']).toContain(
      "import { createProbeActivities } from './probe/api';",
    );
    expect(text['src/systems/activities.ts']).toMatch(/\n {4}probe: createProbeActivities\(http\),\n {2}\}/);
    expect(text['src/sandbox/server.ts']).toContain('  probe: ProbeSandbox;\n  recorders:');
    expect(text['src/sandbox/server.ts']).toContain('    probe,\n    recorders,');
    expect(text['src/config.ts']).toMatch(/\n {2}'probe',\n\] as const;/);
    expect(plan.files['webhook.ts']).toContain('verifyProbeSignature(req, config.webhookSecrets.probe)');
    expect(plan.files['signature.ts']).toContain(
      "import { verifyStripeSignature } from '../stripe/signature';",
    );
    // Only the edited lines differ from the registries as they were.
    for (const r of plan.registries) {
      const added = r.text().split('\n').length - r.original.split('\n').length;
      expect({ file: r.file, added: added > 0 && added <= 10 }).toEqual({ file: r.file, added: true });
    }
    expect(snapshot()).toEqual(before);
  });

  test('without a webhook: no verifier, and only the API registries', () => {
    const plan = planSystem('probe', 'none', root);
    expect(Object.keys(plan.files).sort()).toEqual(API_SYSTEM_FILES);
    expect(plan.registries.map((r) => r.file)).toEqual(API_SYSTEM_REGISTRIES);
    expect(plan.files['settings.ts']).not.toContain('webhookSecrets');
  });

  test('a failure part of the way takes back everything written', () => {
    const before = snapshot();
    const plan = planSystem('probe', 'github', root);
    const writes = {
      files: Object.entries(plan.files).map(([f, text]) => [path.join(plan.dir, f), text] as const),
      registries: plan.registries.map((r) => [r, r.text()] as const),
      docs: () => {
        expect(snapshot()).not.toEqual(before); // the folder and the registries are written by then
        throw new Error('the settings docs could not be generated');
      },
    };
    expect(() => writeSystem(plan, writes, root)).toThrow('the settings docs could not be generated');
    expect(snapshot()).toEqual(before);

    // A registry someone changed after the plan was made: nothing is written over it.
    const again = planSystem('probe', 'github', root);
    edit('src/systems/settings.ts', (t) => `${t}// someone else's line\n`);
    const changed = snapshot();
    expect(() =>
      writeSystem(
        again,
        { ...writes, registries: again.registries.map((r) => [r, r.text()] as const) },
        root,
      ),
    ).toThrow('src/systems/settings.ts changed while the scaffold ran: nothing was kept, run it again');
    expect(snapshot()).toEqual(changed);
  });
});

describe('new-integration', () => {
  test('arguments: an id, --from and --to', () => {
    expect(parseArgs(['probe-sync', '--from', 'hubspot', '--to', 'slack'])).toEqual({
      id: 'probe-sync',
      from: 'hubspot',
      to: 'slack',
    });
    expect(() => parseArgs(['probe-sync', '--from', 'hubspot'])).toThrow(ScaffoldError);
    expect(() => parseArgs(['probe-sync', '--from', '--to', 'slack'])).toThrow(/--from needs a system name/);
    expect(() => parseArgs(['probe-sync', '--from', 'a', '--to', 'b', '--x'])).toThrow(/unknown option --x/);
  });

  test.each(['Probe', 'probe_sync', '-probe', 'probe-', 'a--b', '9lives', 'x'.repeat(41), ''])(
    'a bad id (%j) is refused, nothing written',
    (id) => {
      expect(refusal(() => planIntegration(id, 'hubspot', 'slack', root))).toMatch(
        /is not a valid integration id/,
      );
    },
  );

  test('"kit" is reserved', () => {
    expect(refusal(() => planIntegration('kit', 'hubspot', 'slack', root))).toMatch(/"kit" is reserved/);
  });

  test('an unknown --from names the senders it knows', () => {
    expect(refusal(() => planIntegration(NEW_ID, 'nosuch', 'slack', root))).toMatch(
      /^--from nosuch: not a webhook sender Switchboard knows; one of hubspot, stripe, github, .*npm run new-system/,
    );
  });

  test('an unknown --to names the targets it can scaffold', () => {
    expect(refusal(() => planIntegration(NEW_ID, 'hubspot', 'mailchimp', root))).toMatch(
      /^--to mailchimp: no scaffold for that target; one of slack/,
    );
  });

  test('an existing folder is refused', () => {
    expect(refusal(() => planIntegration('contact-sync', 'hubspot', 'slack', root))).toBe(
      'src/integrations/contact-sync/ already exists: choose another id',
    );
  });

  test('a catalog without its INTEGRATIONS registry is named', () => {
    edit('src/integrations/catalog.ts', (t) =>
      t.replace('export const INTEGRATIONS = {', 'export const ALL = {'),
    );
    expect(refusal(() => planIntegration(NEW_ID, 'hubspot', 'slack', root))).toMatch(
      /^src\/integrations\/catalog\.ts no longer has the INTEGRATIONS registry/,
    );
  });

  test('a plan computes the folder and one catalog line, and writes nothing', () => {
    const before = snapshot();
    const plan = planIntegration(NEW_ID, 'github', 'slack', root);
    expect(Object.keys(plan.files).sort()).toEqual(
      [
        'definition.ts',
        'index.ts',
        'mapping.ts',
        `${NEW_ID}.int.test.ts`,
        'settings.ts',
        'workflow.test.ts',
        'workflow.ts',
      ].sort(),
    );
    expect(plan.catalog).toContain(`import * as ${NEW_ID_CAMEL} from './${NEW_ID}';`);
    expect(plan.catalog).toContain(`\n  ${NEW_ID_CAMEL},\n};`);
    expect(snapshot()).toEqual(before);
  });
});
