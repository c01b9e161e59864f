/**
 * Launches the Temporal CLI's embedded dev server (`temporal server start-dev`) with the project's
 * search attributes registered and the Web UI on. With a database file, runs survive a restart.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from './cli';
import { SEARCH_ATTRIBUTE_KEYS } from './searchAttributes';

export interface DevServerOptions {
  grpcPort?: number; // 0 = a free port
  uiPort?: number; // 0 = a free port; undefined = no UI
  dbFile?: string; // undefined = in memory
  /**
   * SQLite pragmas for the database file; default DEV_SERVER_SQLITE_PRAGMAS. `{}` runs SQLite's defaults
   * (the bench's baseline of a plain `start-dev --db-filename`).
   */
  sqlitePragmas?: Record<string, string>;
  namespaces?: string[];
  /** Where the Web UI decodes encrypted payloads (the gateway's /codec), when a codec key is set. */
  uiCodecEndpoint?: string;
  log?: (msg: string) => void;
  startTimeoutMs?: number;
}

/**
 * WAL with synchronous=normal: a commit is an append to the write-ahead log, synced at checkpoints, not a
 * rollback journal synced on every transaction; it more than doubles the dev server's start rate. The trade:
 * a crash of the process (or of `npm start`) loses nothing, since the log is in the OS's hands; a power loss
 * or kernel crash may lose the last transactions (never corrupt the file). Production runs Temporal on
 * PostgreSQL (docker-compose.yml), never on this file.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: Readonly<Record<string, string>> = {
  journal_mode: 'wal',
  synchronous: 'normal',
};

function sqlitePragmaArgs(opts: DevServerOptions): string[] {
  if (!opts.dbFile) return [];
  return Object.entries(opts.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS).flatMap(([k, v]) => [
    '--sqlite-pragma',
    `${k}=${v}`,
  ]);
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  cliPath: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until the server answers (or the deadline passes); no fixed sleeps. */
export async function waitForTemporal(
  address: string,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const log = opts.log ?? ((m: string) => console.error(m));
  const cliPath = resolveTemporalCli({ log });
  if (!cliPath) return startWithSdkDownload(opts, log);
  const grpcPort = opts.grpcPort || (await freePort());
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(grpcPort),
    '--log-level',
    'warn',
  ];
  if (opts.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort || (await freePort())));
  if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile, ...sqlitePragmaArgs(opts));
  }
  for (const ns of opts.namespaces ?? []) args.push('--namespace', ns);
  for (const key of SEARCH_ATTRIBUTE_KEYS) args.push('--search-attribute', `${key.name}=Keyword`);

  const child = spawn(cliPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const address = `127.0.0.1:${grpcPort}`;
  try {
    await waitForTemporal(address, opts.startTimeoutMs ?? 60_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  const uiPortIndex = args.indexOf('--ui-port');
  return {
    address,
    cliPath,
    uiUrl: uiPortIndex >= 0 ? `http://localhost:${args[uiPortIndex + 1]}` : undefined,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Last resort, for users with internet but no Python: the SDK downloads the CLI and runs the same
 * `server start-dev` (same search attributes, UI and database file).
 */
async function startWithSdkDownload(opts: DevServerOptions, log: (msg: string) => void): Promise<DevServer> {
  log('Temporal CLI not found locally and could not be installed from PyPI; letting the SDK download it');
  // A dev dependency: `npm start` runs from a checkout; a production install (--omit=dev) has no dev server.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing').catch((err: unknown) => {
    throw new Error(
      'no Temporal CLI: set TEMPORAL_CLI_PATH, or install the dev dependencies (npm ci) so the SDK can ' +
        `download one (${(err as Error).message})`,
    );
  });
  const grpcPort = opts.grpcPort || (await freePort());
  const uiPort = opts.uiPort === undefined ? undefined : opts.uiPort || (await freePort());
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: '127.0.0.1',
      port: grpcPort,
      ui: uiPort !== undefined,
      uiPort,
      dbFilename: opts.dbFile,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      extraArgs: [...(opts.namespaces ?? []).flatMap((ns) => ['--namespace', ns]), ...sqlitePragmaArgs(opts)],
    },
  });
  return {
    address: `127.0.0.1:${grpcPort}`,
    uiUrl: uiPort === undefined ? undefined : `http://localhost:${uiPort}`,
    cliPath: 'sdk-download',
    stop: () => env.teardown(),
  };
}
