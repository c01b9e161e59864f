/**
 * The production-like stack of `npm run test:production`, as separate processes on this machine:
 * PostgreSQL (a fresh cluster in a temp dir), the Temporal server v1.29 on it (scripts/production/
 * temporal.yaml), the sandbox stand-ins (dist/sandbox/main.js), workers (dist/worker.js) and the gateway
 * (dist/gateway.js). Missing binaries are built or installed, saying so. Every process and directory made
 * here is registered for cleanup, which also runs on Ctrl-C.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  closeSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TEMPORAL_VERSION = '1.29.1';
const CACHE_BIN = path.join(ROOT, '.temporal', 'prod', 'bin');

const startedAt = Date.now();
export function log(message: string): void {
  const t = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${t}s] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thrown by a probe of `until` to stop waiting at once (the awaited thing can no longer happen). */
export class GiveUp extends Error {}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
      );
    await sleep(everyMs);
  }
}

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.on('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A free port on loopback. Below 32768 by default (outside Linux's ephemeral range, so no outgoing
 * connection takes it between now and its use): Temporal also stores membership ports in a smallint.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = await listenOn(20_000 + Math.floor(Math.random() * 12_000));
    if (port !== undefined) return port;
  }
  throw new Error('no free port found in 20000-31999');
}

/** Distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function run(command: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', ...opts });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(
      `${path.basename(command)} ${args.join(' ')} exited ${result.status}: ${String(
        result.stderr || result.stdout,
      )
        .trim()
        .slice(-2000)}`,
    );
  return String(result.stdout ?? '');
}

function onPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Cleanup

type Cleanup = { name: string; run: () => Promise<void> | void };
const cleanups: Cleanup[] = [];
let cleaning: Promise<void> | undefined;

export function onCleanup(name: string, fn: () => Promise<void> | void): void {
  cleanups.push({ name, run: fn });
}

/** Runs every registered cleanup, newest first (processes before the directories they write to). */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse()) {
      const started = Date.now();
      try {
        // One stuck step must not keep the others (the temp directory last) from running.
        await Promise.race([
          c.run(),
          sleep(30_000).then(() => {
            throw new Error('timed out after 30 s');
          }),
        ]);
      } catch (err) {
        process.stderr.write(`cleanup of ${c.name} failed: ${(err as Error).message}\n`);
      }
      if (Date.now() - started > 3000)
        log(`stopping ${c.name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  })();
  return cleaning;
}

// ---------------------------------------------------------------------------------------------------
// Processes

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** Still running. */
  alive(): boolean;
  /** Signals it and waits for it to exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** The log so far. */
  output(): string;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; logDir: string; uid?: number; gid?: number },
): Proc {
  const logFile = path.join(opts.logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', fd, fd],
    uid: opts.uid,
    gid: opts.gid,
  });
  closeSync(fd);
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      resolve(code ?? (signal ? -1 : null));
    });
    child.on('error', (err) => {
      running = false;
      process.stderr.write(`${name}: ${err.message}\n`);
      resolve(-1);
    });
  });
  const proc: Proc = {
    name,
    child,
    logFile,
    exited,
    alive: () => running,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (!running) return;
      child.kill(signal);
      const timer = setTimeout(() => running && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    output: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
  };
  onCleanup(name, () => proc.stop('SIGTERM', 5000));
  return proc;
}

/** The last lines of a log, each cut to a readable length. */
export function tail(text: string, lines = 25, width = 600): string {
  return text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((l) => (l.length > width ? `${l.slice(0, width)}…` : l))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Work directory

export interface WorkDir {
  root: string;
  logs: string;
}

export function makeWorkDir(keep: boolean): WorkDir {
  const root = mkdtempSync(path.join(os.tmpdir(), 'switchboard-production-'));
  // The PostgreSQL server runs as its own user and must reach its data directory inside.
  chmodSync(root, 0o755);
  const logs = path.join(root, 'logs');
  mkdirSync(logs);
  onCleanup('work directory', () => {
    if (keep) log(`kept ${root} (PRODUCTION_KEEP=1)`);
    else rmSync(root, { recursive: true, force: true });
  });
  return { root, logs };
}

/** Copies the logs of a failed run where they survive the cleanup. */
export function saveLogs(work: WorkDir): string {
  const target = path.join(ROOT, '.temporal', 'prod', 'last-failed-run');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const f of readdirSync(work.logs)) cpSync(path.join(work.logs, f), path.join(target, f));
  return target;
}

// ---------------------------------------------------------------------------------------------------
// Binaries: PostgreSQL, the Temporal server and its SQL tool, the Temporal CLI

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  psql: string;
}

function findPostgres(): PostgresBinaries | undefined {
  const dirs: string[] = [];
  if (existsSync('/usr/lib/postgresql'))
    for (const v of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)))
      dirs.push(path.join('/usr/lib/postgresql', v, 'bin'));
  const pgConfig = onPath('pg_config');
  if (pgConfig) {
    const bindir = spawnSync(pgConfig, ['--bindir'], { encoding: 'utf8' }).stdout?.trim();
    if (bindir) dirs.push(bindir);
  }
  for (const dir of dirs) {
    const initdb = path.join(dir, 'initdb');
    const postgres = path.join(dir, 'postgres');
    if (existsSync(initdb) && existsSync(postgres)) {
      const psql = existsSync(path.join(dir, 'psql')) ? path.join(dir, 'psql') : onPath('psql');
      if (psql) return { initdb, postgres, psql };
    }
  }
  const initdb = onPath('initdb');
  const postgres = onPath('postgres');
  const psql = onPath('psql');
  return initdb && postgres && psql ? { initdb, postgres, psql } : undefined;
}

export function ensurePostgres(): PostgresBinaries {
  const found = findPostgres();
  if (found) return found;
  if (process.getuid?.() !== 0 || !onPath('apt-get'))
    throw new Error(
      'PostgreSQL is not installed (initdb/postgres/psql): install it (e.g. apt-get install postgresql)',
    );
  log('PostgreSQL not found: installing it with apt-get (apt-get update && apt-get install -y postgresql)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env, stdio: 'inherit' });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'postgresql'], { env, stdio: 'inherit' });
  const installed = findPostgres();
  if (!installed) throw new Error('apt-get installed postgresql but initdb/postgres were not found');
  return installed;
}

export interface TemporalBinaries {
  server: string;
  sqlTool: string;
  /** .../schema/postgresql/v12 of the server module. */
  schemaDir: string;
}

function versionOf(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return `${out.stdout ?? ''}${out.stderr ?? ''}`;
}

function goEnv(name: string): string {
  return run('go', ['env', name]).trim();
}

/** The server (`cmd/server`) or SQL tool (`cmd/tools/sql`) at TEMPORAL_VERSION, built if not found. */
function ensureTemporalBinary(name: 'server' | 'sql', pkg: string): string {
  const candidates = [path.join(CACHE_BIN, name)];
  if (onPath('go')) candidates.push(path.join(goEnv('GOPATH').split(path.delimiter)[0], 'bin', name));
  for (const c of candidates) if (existsSync(c) && versionOf(c).includes(TEMPORAL_VERSION)) return c;
  if (!onPath('go'))
    throw new Error(
      `the Temporal ${name} binary v${TEMPORAL_VERSION} is missing and Go is not installed to build it`,
    );
  mkdirSync(CACHE_BIN, { recursive: true });
  log(
    `building ${pkg}@v${TEMPORAL_VERSION} into ${path.relative(ROOT, CACHE_BIN)} (GOBIN=… go install; one-time, takes minutes)…`,
  );
  run('go', ['install', `${pkg}@v${TEMPORAL_VERSION}`], {
    env: { ...process.env, GOBIN: CACHE_BIN },
    stdio: 'inherit',
  });
  return path.join(CACHE_BIN, name);
}

export function ensureTemporal(): TemporalBinaries {
  const server = ensureTemporalBinary('server', 'go.temporal.io/server/cmd/server');
  const sqlTool = ensureTemporalBinary('sql', 'go.temporal.io/server/cmd/tools/sql');
  if (!onPath('go')) throw new Error('Go is needed to locate the Temporal schema files (go env GOMODCACHE)');
  const moduleDir = path.join(goEnv('GOMODCACHE'), `go.temporal.io/server@v${TEMPORAL_VERSION}`);
  if (!existsSync(moduleDir)) {
    log(`downloading the schema files: go mod download go.temporal.io/server@v${TEMPORAL_VERSION}…`);
    run('go', ['mod', 'download', `go.temporal.io/server@v${TEMPORAL_VERSION}`], {
      cwd: os.tmpdir(),
      env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
    });
  }
  const schemaDir = path.join(moduleDir, 'schema', 'postgresql', 'v12');
  if (!existsSync(schemaDir)) throw new Error(`no PostgreSQL schema in ${moduleDir}`);
  return { server, sqlTool, schemaDir };
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

export interface Postgres {
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

/** Root may not run PostgreSQL: it runs as the `postgres` user (created if the package did not). */
function postgresIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    log('no postgres user to run PostgreSQL as (root is refused): creating one (useradd --system postgres)');
    run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

export async function startPostgres(bin: PostgresBinaries, work: WorkDir): Promise<Postgres> {
  const identity = postgresIdentity();
  const dataDir = path.join(work.root, 'pgdata');
  const socketDir = path.join(work.root, 'pgsocket');
  mkdirSync(dataDir, { mode: 0o700 });
  mkdirSync(socketDir, { mode: 0o755 });
  if (identity) {
    chownSync(dataDir, identity.uid, identity.gid);
    chownSync(socketDir, identity.uid, identity.gid);
  }
  const password = randomBytes(18).toString('base64url');
  const pwFile = path.join(work.root, 'pgsuperpw');
  // initdb reads the superuser's password from a file; it is deleted with the work directory.
  writeFileSync(pwFile, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
  if (identity) chownSync(pwFile, identity.uid, identity.gid);
  run(
    bin.initdb,
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ],
    { uid: identity?.uid, gid: identity?.gid, cwd: work.root },
  );
  const port = await freePort();
  const proc = startProcess(
    'postgres',
    bin.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
      // Four Temporal services with their own pools (see temporal.yaml), and a restart in between.
      '-c',
      'max_connections=300',
    ],
    { logDir: work.logs, uid: identity?.uid, gid: identity?.gid, cwd: work.root },
  );
  const psql = (sql: string) =>
    run(bin.psql, [
      '-h',
      socketDir,
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-qAtc',
      sql,
    ]);
  await until(
    'PostgreSQL to accept connections',
    () => {
      if (!proc.alive()) throw new GiveUp(`postgres exited:\n${tail(proc.output())}`);
      return psql('select 1').trim() === '1' ? true : undefined;
    },
    30_000,
  );
  const user = 'temporal';
  psql(`CREATE ROLE ${user} LOGIN CREATEDB PASSWORD '${password}'`);
  return { port, user, password, stop: () => proc.stop('SIGINT', 15_000) };
}

/** Creates the two databases and brings their schema to the newest version shipped with the server. */
export function setupTemporalSchema(bin: TemporalBinaries, pg: Postgres): void {
  for (const [db, dir] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const base = [
      '--plugin',
      'postgres12',
      '--ep',
      '127.0.0.1',
      '-p',
      String(pg.port),
      '-u',
      pg.user,
      '--db',
      db,
    ];
    const env = { ...process.env, SQL_PASSWORD: pg.password };
    run(bin.sqlTool, [...base, 'create-database'], { env });
    run(bin.sqlTool, [...base, 'setup-schema', '-v', '0.0'], { env });
    run(bin.sqlTool, [...base, 'update-schema', '-d', path.join(bin.schemaDir, dir, 'versioned')], { env });
  }
}

// ---------------------------------------------------------------------------------------------------
// Temporal server

export interface TemporalServer {
  address: string;
  proc: Proc;
  starts: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function temporalServer(
  bin: TemporalBinaries,
  pg: Postgres,
  cli: string,
  work: WorkDir,
): Promise<TemporalServer> {
  const [
    frontend,
    frontendHttp,
    frontendMembership,
    history,
    historyM,
    matching,
    matchingM,
    worker,
    workerM,
  ] = await freePorts(9);
  const env = {
    ...process.env,
    TEMPORAL_PROD_DB_PORT: String(pg.port),
    TEMPORAL_PROD_DB_USER: pg.user,
    TEMPORAL_PROD_DB_PASSWORD: pg.password,
    TEMPORAL_PROD_FRONTEND_PORT: String(frontend),
    TEMPORAL_PROD_FRONTEND_HTTP_PORT: String(frontendHttp),
    TEMPORAL_PROD_FRONTEND_MEMBERSHIP_PORT: String(frontendMembership),
    TEMPORAL_PROD_HISTORY_PORT: String(history),
    TEMPORAL_PROD_HISTORY_MEMBERSHIP_PORT: String(historyM),
    TEMPORAL_PROD_MATCHING_PORT: String(matching),
    TEMPORAL_PROD_MATCHING_MEMBERSHIP_PORT: String(matchingM),
    TEMPORAL_PROD_WORKER_PORT: String(worker),
    TEMPORAL_PROD_WORKER_MEMBERSHIP_PORT: String(workerM),
    TEMPORAL_PROD_DYNAMIC_CONFIG: path.join(__dirname, 'dynamicconfig.yaml'),
  };
  const address = `127.0.0.1:${frontend}`;
  const server: TemporalServer = {
    address,
    proc: undefined as unknown as Proc,
    starts: 0,
    async start() {
      server.starts++;
      server.proc = startProcess(
        `temporal-server-${server.starts}`,
        bin.server,
        ['--root', '/', '--config', __dirname, '--env', 'temporal', '--allow-no-auth', 'start'],
        { env, logDir: work.logs },
      );
      const proc = server.proc;
      await until(
        'the Temporal server to serve',
        () => {
          if (!proc.alive()) throw new GiveUp(`the Temporal server exited:\n${tail(proc.output())}`);
          const health = spawnSync(cli, ['operator', 'cluster', 'health', '--address', address], {
            encoding: 'utf8',
          });
          return health.status === 0 && /SERVING/.test(health.stdout) ? true : undefined;
        },
        90_000,
        500,
      );
    },
    stop: () => server.proc.stop('SIGTERM', 20_000),
  };
  return server;
}

/** The namespace and the four Keyword search attributes Switchboard's runs carry (docs: README). */
export async function prepareNamespace(cli: string, address: string, namespace: string): Promise<void> {
  const temporal = (...args: string[]) => run(cli, [...args, '--address', address]);
  temporal('operator', 'namespace', 'create', '--namespace', namespace, '--retention', '7d');
  // The frontend learns of a new namespace when its registry refreshes (seconds).
  await until(
    `namespace ${namespace} to be usable`,
    () => {
      temporal('workflow', 'list', '--namespace', namespace, '--limit', '1');
      return true;
    },
    60_000,
    1000,
  );
  for (const name of ['Integration', 'Source', 'EventType', 'RecordId'])
    temporal(
      'operator',
      'search-attribute',
      'create',
      '--namespace',
      namespace,
      '--name',
      name,
      '--type',
      'Keyword',
    );
  await until(
    'the search attributes to be queryable',
    () => {
      temporal(
        'workflow',
        'list',
        '--namespace',
        namespace,
        '--limit',
        '1',
        '--query',
        'Integration = "x" AND Source = "x" AND EventType = "x" AND RecordId = "x"',
      );
      return true;
    },
    60_000,
    1000,
  );
}
