/**
 * The stack under test is what users run: `npm start`'s entry point (dist/dev.js after `npm run build`;
 * src/dev.ts through ts-node for the smoke run), in its own process tree, started with its own ports and
 * data directory: the Temporal dev server with its SQLite file, and the sandbox APIs, the workers and the
 * gateway, each a child process of npm start's (src/runtime/supervisor.ts). The bench talks to it over
 * HTTP and gRPC only, and reads each process's memory from /proc, by role.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../src/runtime/devServer';

export const ROOT = path.resolve(__dirname, '..');

export interface StackOptions {
  /** dist: `node dist/dev.js` (what `npm start` runs after its build); ts-node: src/dev.ts, no build. */
  entry: 'dist' | 'ts-node';
  dataDir: string;
  logFile: string;
  /** Settings on top of npm start's defaults (e.g. raised API rate limits). */
  env?: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof to see where the stack spends its time). */
  nodeArgs?: string[];
}

export interface ProcessMemory {
  pid: number;
  role: string;
  rssMb: number;
}

export interface RunningStack {
  pid: number;
  gatewayUrl: string;
  sandboxUrl: string;
  temporalAddress: string;
  /** Resident memory of every process of the stack, now. */
  memory(): ProcessMemory[];
  /** Ctrl-C, as a user stops it; the whole tree is gone when this resolves. */
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const [port, sandboxPort, grpcPort, uiPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SANDBOX_PORT: String(sandboxPort),
    TEMPORAL_PORT: String(grpcPort),
    TEMPORAL_UI_PORT: String(uiPort),
    SWITCHBOARD_DATA_DIR: opts.dataDir,
    ...opts.env,
  };
  // The bench's own environment must not point the stack at another server or switch the sandbox off.
  delete env.TEMPORAL_ADDRESS;
  delete env.SWITCHBOARD_SANDBOX;
  delete env.NODE_ENV;
  const args = [
    ...(opts.nodeArgs ?? []),
    ...(opts.entry === 'dist'
      ? [path.join(ROOT, 'dist', 'dev.js')]
      : ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'dev.ts')]),
  ];
  const log = openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', log, log] });
  closeSync(log);
  const gatewayUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${gatewayUrl}/healthz`, child, 240_000);
  } catch (err) {
    child.kill('SIGKILL');
    const tail = existsSync(opts.logFile) ? readFileSync(opts.logFile, 'utf8').slice(-3000) : '';
    throw new Error(`${(err as Error).message}\n--- ${opts.logFile} (end) ---\n${tail}`);
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    pid: child.pid!,
    gatewayUrl,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    temporalAddress: `127.0.0.1:${grpcPort}`,
    memory: () => processTree(child.pid!).map((pid) => ({ pid, role: roleOf(pid), rssMb: rssMb(pid) })),
    stop: async () => {
      const tree = processTree(child.pid!);
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
      // Whatever the stack started and left behind (it should leave nothing) goes too.
      for (const pid of tree.slice(1)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the stack exited with code ${child.exitCode} while starting`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the stack did not answer ${url} within ${timeoutMs / 1000} s`);
}

/** The process and all its descendants, root first. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/**
 * What a process of the stack is, from its command line: `npm start` forks its children with
 * `--role=gateway`, `--role=workers`, `--role=sandbox` (src/dev.ts).
 */
export function roleOf(pid: number): string {
  let argv: string[] = [];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return 'exited';
  }
  if (argv.includes('start-dev')) return 'temporal dev server';
  const role = argv.find((a) => a.startsWith('--role='));
  if (role) return role.slice('--role='.length);
  if (argv.some((a) => /workflowBundle\.(js|ts)$/.test(a))) return 'workflow bundler (at start only)';
  if (argv.some((a) => /dev\.(js|ts)$/.test(a))) return 'npm start (supervisor)';
  return path.basename(argv[0] ?? `pid ${pid}`);
}
