/**
 * `npm start` runs the gateway, the workers and the sandbox as child processes of src/dev.ts, so that they
 * spread over the machine's cores and the gateway's event loop never waits behind an activity or a
 * stand-in's response. The parent side (`ProcessSupervisor`) forks each entry point with an IPC channel,
 * waits for its "ready" message, and when one child dies unasked stops the others and says which one died
 * and how. The child side (`reportReady`, `followParent`) lets an entry point (src/gateway.ts,
 * src/worker.ts, src/sandbox/main.ts) say it is up and stop when its parent is gone; both do nothing when
 * the entry point runs on its own (`node dist/worker.js`).
 */
import { ChildProcess, fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';

const READY = 'switchboard:ready';
/** How the supervisor tells a child its CPU priority (ChildSpec.niceness). */
const NICENESS_ENV = 'SWITCHBOARD_NICENESS';

/** The role `npm start` gave this process (`--role=<name>` on its command line), if it is one of its children. */
export function supervisedRole(): string | undefined {
  if (!process.send) return undefined;
  return process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
}

/** Child side: tells the supervisor this process is up, with what it needs to know (URLs, ports). */
export function reportReady(info: Record<string, unknown> = {}): void {
  process.send?.({ type: READY, ...info });
}

/**
 * Child side: when the parent goes away (even by SIGKILL, which it cannot forward), this process stops
 * itself the way Ctrl-C would stop it, so nothing is left behind. The IPC channel is unref'd: it never
 * keeps a process alive that has finished its work.
 */
export function followParent(graceMs = 20_000): void {
  if (!process.send) return;
  lowerPriority(Number(process.env[NICENESS_ENV] ?? 0));
  process.channel?.unref();
  process.once('disconnect', () => {
    // The entry point's own SIGTERM handler drains and exits; should it not, this ends the process.
    setTimeout(() => process.exit(1), graceMs).unref();
    process.kill(process.pid, 'SIGTERM');
  });
}

/**
 * Lowers this process's CPU priority (a Unix nice value, 1–19). On Linux a nice value belongs to each
 * thread, and threads take their creator's: every thread that exists now (V8's, libuv's) is lowered, and
 * those made later (the SDK's workflow thread, its core's) inherit it.
 */
export function lowerPriority(niceness: number): void {
  if (!Number.isInteger(niceness) || niceness <= 0) return;
  let threads: number[] = [];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // not Linux: the process's priority is one value
  }
  for (const id of threads.length > 0 ? threads : [0]) {
    try {
      os.setPriority(id, Math.min(19, niceness));
    } catch {
      // a thread that ended meanwhile, or a system that refuses: priority is an optimisation only
    }
  }
}

export interface ChildExit {
  name: string;
  pid?: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** "exited with code 1" / "was killed by SIGKILL". */
export function describeExit(exit: Pick<ChildExit, 'code' | 'signal'>): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

export interface ChildSpec {
  /** What the process is, in messages and in its `--role=` argument (which the bench reads from /proc). */
  name: string;
  /** The entry point's module path. */
  module: string;
  /** Command-line arguments after `--role=<name>`. */
  args?: string[];
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** How long the child may take to report ready. */
  readyTimeoutMs?: number;
  /**
   * A lower CPU priority (nice value) for background work: when the cores are busy, the processes a
   * client waits on (the gateway, the Temporal server) run first. Applied by the child (followParent).
   */
  niceness?: number;
  /** Node/V8 flags for the child beside this process's own (e.g. a heap size V8 reads at start-up). */
  nodeFlags?: string[];
}

interface Child {
  spec: ChildSpec;
  process: ChildProcess;
  exited: Promise<ChildExit>;
}

export class ProcessSupervisor {
  private readonly children: Child[] = [];
  private stopping = false;

  /** @param onUnexpectedExit called once, for the first child that dies while nobody asked it to stop. */
  constructor(private readonly onUnexpectedExit: (exit: ChildExit) => void) {}

  /**
   * Forks the entry point (with this process's node flags, so ts-node runs carry over) and resolves with
   * the child's ready message; rejects if the child exits or stays silent first.
   */
  start<T extends object = Record<string, unknown>>(spec: ChildSpec): Promise<T> {
    if (this.stopping) return Promise.reject(new Error(`not starting the ${spec.name} process: stopping`));
    const child = fork(spec.module, [`--role=${spec.name}`, ...(spec.args ?? [])], {
      env: { ...process.env, ...spec.env, [NICENESS_ENV]: String(spec.niceness ?? 0) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...(spec.nodeFlags ?? [])],
    });
    const exited = new Promise<ChildExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ name: spec.name, pid: child.pid, code, signal }));
      // A child that could not be spawned at all emits 'error' and no 'exit'.
      child.once('error', () => {
        if (child.exitCode === null && child.signalCode === null && child.pid === undefined)
          resolve({ name: spec.name, code: null, signal: null });
      });
    });
    this.children.push({ spec, process: child, exited });
    void exited.then((exit) => {
      if (this.stopping) return;
      this.stopping = true;
      this.onUnexpectedExit(exit);
    });
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = spec.readyTimeoutMs ?? 120_000;
      const timer = setTimeout(
        () => reject(new Error(`the ${spec.name} process did not report ready within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      child.on('message', (message: { type?: string } & T) => {
        if (message?.type !== READY) return;
        clearTimeout(timer);
        resolve(message);
      });
      void exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`the ${spec.name} process ${describeExit(exit)} while starting`));
      });
    });
  }

  /** Whether stop() was called or a child died (either way, everything is on its way down). */
  get isStopping(): boolean {
    return this.stopping;
  }

  /**
   * Asks every live child to stop (SIGTERM: each drains, as on Ctrl-C) and waits until all have exited;
   * one still there after `graceMs` is killed.
   */
  async stop(graceMs = 20_000): Promise<ChildExit[]> {
    this.stopping = true;
    return Promise.all(
      this.children.map(async ({ process: child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const exit = await exited;
        clearTimeout(killer);
        return exit;
      }),
    );
  }
}
