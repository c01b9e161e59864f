/**
 * stripe-mock (https://github.com/stripe/stripe-mock): Stripe's own mock of its API, which validates every
 * request against Stripe's OpenAPI specification. Found, like the Temporal CLI (src/runtime/cli.ts), in
 * this order: STRIPE_MOCK_PATH, `stripe-mock` on PATH, Go's bin folder, a project-local install under
 * .temporal/stripe-mock/; else installed there with `go install` at the pinned version (the Go module
 * proxy, no other download). `ts-node test/helpers/stripeMock.ts` installs it ahead of the tests (CI).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Pinned: every machine validates against the same Stripe specification. */
export const STRIPE_MOCK_MODULE = 'github.com/stripe/stripe-mock@v0.203.0';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const LOCAL_BIN = path.join(PROJECT_ROOT, '.temporal', 'stripe-mock');

function executable(file: string | undefined): file is string {
  if (!file) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function goBinDirs(): string[] {
  const gopath = process.env.GOPATH?.split(path.delimiter)[0] ?? path.join(os.homedir(), 'go');
  return [process.env.GOBIN, path.join(gopath, 'bin')].filter((d): d is string => Boolean(d));
}

export function findStripeMock(): string | undefined {
  const candidates = [
    process.env.STRIPE_MOCK_PATH,
    ...(process.env.PATH ?? '').split(path.delimiter).map((d) => d && path.join(d, 'stripe-mock')),
    ...goBinDirs().map((d) => path.join(d, 'stripe-mock')),
    path.join(LOCAL_BIN, 'stripe-mock'),
  ];
  return candidates.find(executable);
}

/** The stripe-mock binary, installed into .temporal/stripe-mock/ with `go install` when missing. */
export function ensureStripeMock(log: (msg: string) => void = () => undefined): string {
  const found = findStripeMock();
  if (found) return found;
  mkdirSync(LOCAL_BIN, { recursive: true });
  log(`installing ${STRIPE_MOCK_MODULE} into ${path.relative(PROJECT_ROOT, LOCAL_BIN)} (one-time)…`);
  const result = spawnSync('go', ['install', STRIPE_MOCK_MODULE], {
    env: { ...process.env, GOBIN: LOCAL_BIN },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 600_000,
  });
  const installed = path.join(LOCAL_BIN, 'stripe-mock');
  if (result.status !== 0 || !executable(installed))
    throw new Error(
      `stripe-mock is not installed and \`go install ${STRIPE_MOCK_MODULE}\` failed ` +
        `(${result.error?.message ?? result.stderr?.trim() ?? `exit ${result.status}`}); ` +
        'install Go, or set STRIPE_MOCK_PATH',
    );
  return installed;
}

export interface StripeMock {
  url: string;
  stop(): Promise<void>;
}

/** Starts stripe-mock on ports the system picks (HTTP on loopback); resolves once it listens. */
export async function startStripeMock(): Promise<StripeMock> {
  const binary = ensureStripeMock((m) => process.stderr.write(`${m}\n`));
  const child: ChildProcess = spawn(binary, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`stripe-mock did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Listening for HTTP at address: (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stripe-mock exited (${code}):\n${output}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (require.main === module) {
  console.log(ensureStripeMock((m) => console.log(m)));
}
