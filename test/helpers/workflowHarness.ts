/**
 * Fast workflow tests: the real workflow code on Temporal's time-skipping test server, its activities
 * replaced by stubs (plain async functions). One test server and one workflow bundle per test file; each
 * `run` starts a worker on a fresh main task queue and one per system queue (`api.<system>`, where the
 * workflows send each system's activities), all given the same recording stubs, and stops them when the
 * test is done. Timers pass in an instant while the test awaits a workflow result (or calls `env.sleep`).
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../src/systems/activities';
import type { DirectCall, DirectCallOutcome } from '../../src/systems/directCalls';
import { SYSTEMS, taskQueueFor } from '../../src/systems/index';
import { resolveTestServer } from '../../src/runtime/cli';
import { workflowEntry } from '../../src/runtime/workflowEntry';

type ActivityName = keyof Activities;

/** Canned activities: typed arguments, any return value (a stub gives only the fields a workflow reads). */
export type ActivityStubs = { [K in ActivityName]?: (...args: Parameters<Activities[K]>) => unknown };

export interface ActivityCall {
  name: string;
  args: unknown[];
}

export interface WorkflowRun {
  env: TestWorkflowEnvironment;
  client: Client;
  /** The main task queue of this run: start workflows on it. */
  taskQueue: string;
  /** Every activity call, stubbed or not, in the order the workers received them. */
  calls: ActivityCall[];
  /** The names of the calls, in order. */
  names(): string[];
  /** The arguments of each call to one activity. */
  argsOf(name: ActivityName): unknown[][];
  /** Resolves once `name` has been called `count` times: to send the next signal after a step began. */
  called(name: ActivityName, count?: number): Promise<void>;
}

export interface WorkflowHarness {
  readonly env: TestWorkflowEnvironment;
  /** Runs `test` with the workers polling, then stops them. */
  run<T>(stubs: ActivityStubs, test: (run: WorkflowRun) => Promise<T>): Promise<T>;
}

/** What a stub throws for an API that refuses for good (as the HTTP layer reports a 4xx). */
export function refused(message: string, type = 'ApiRequestError'): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

/** A stub whose every call is refused for good with `message`. */
export function refusing(message: string): () => Promise<never> {
  return async () => {
    throw refused(message);
  };
}

try {
  Runtime.install({
    logger: new DefaultLogger('ERROR', ({ level, message, meta }) => {
      if (message.startsWith('No workflows registered')) return; // the api.<system> workers, by design
      console.warn(`[${level}] ${message}`, meta ?? '');
    }),
    // The test server lacks a capability core warns about once per worker (heartbeat details on failure).
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
} catch {
  // already installed by an earlier test file in this Jest worker process
}

const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
  log: () => undefined,
};

/**
 * Registers the file's beforeAll/afterEach/afterAll. The workflows bundled are the worker's own bundle
 * entry (every integration in the catalog, its modules preloaded and shared as in production:
 * src/runtime/workflowEntry.ts), so a test runs what the worker runs; or the module at `workflowsPath`.
 */
export function useWorkflowHarness(workflowsPath?: string): WorkflowHarness {
  let env: TestWorkflowEnvironment | undefined;
  let bundle: WorkflowBundle | undefined;
  /** The workers of a run that has not stopped (a test that timed out): stopped after it. */
  let running: { workers: Worker[]; stopped: Promise<unknown> } | undefined;

  beforeAll(async () => {
    const serverPath = resolveTestServer();
    [env, bundle] = await Promise.all([
      TestWorkflowEnvironment.createTimeSkipping(
        serverPath ? { server: { executable: { type: 'existing-path', path: serverPath } } } : undefined,
      ),
      bundleWorkflowCode({
        ...(workflowsPath ? { workflowsPath } : workflowEntry().bundleOptions),
        logger: quietLogger,
      }),
    ]);
  });

  afterEach(async () => {
    if (!running) return;
    for (const worker of running.workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.stopped;
    running = undefined;
  });

  afterAll(async () => {
    await env?.teardown();
  });

  return {
    get env() {
      if (!env) throw new Error('the workflow harness is not started (use it inside a test)');
      return env;
    },

    async run(stubs, test) {
      const testEnv = this.env;
      const calls: ActivityCall[] = [];
      const waiters: { name: string; count: number; resolve: () => void }[] = [];
      const record = (name: string, args: unknown[]) => {
        calls.push({ name, args });
        const made = calls.filter((c) => c.name === name).length;
        for (const w of waiters.filter((w) => w.name === name && made >= w.count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      };
      const activities: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
      for (const [name, stub] of Object.entries(stubs) as [string, (...args: unknown[]) => unknown][]) {
        activities[name] = async (...args) => {
          record(name, args);
          return stub(...args);
        };
      }
      // A direct call (kit/directCalls) is made by the stub of the call it names, as the worker's
      // callSystemDirectly makes it: its failures are thrown (and retried by the local activity).
      const stubbed = { ...activities };
      activities.callSystemDirectly = async (call) => {
        const { name, args } = call as DirectCall;
        const stub = stubbed[name];
        if (!stub) return { made: false, why: `no stub for ${name}` } satisfies DirectCallOutcome;
        return { made: true, result: await stub(...args) } satisfies DirectCallOutcome;
      };
      // An activity the test did not stub is recorded and fails for good: a surprise shows at once.
      activities.default = async (...args) => {
        const name = Context.current().info.activityType;
        record(name, args);
        throw ApplicationFailure.nonRetryable(`no stub for activity ${name}`, 'UnstubbedActivity');
      };

      const taskQueue = `workflow-test-${randomUUID()}`;
      const common = { connection: testEnv.nativeConnection, namespace: testEnv.namespace ?? 'default' };
      const created = await Promise.allSettled([
        Worker.create({ ...common, taskQueue, workflowBundle: bundle, activities }),
        ...SYSTEMS.map((system) => Worker.create({ ...common, taskQueue: taskQueueFor(system), activities })),
      ]);
      const workers = created.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
      const failedToStart = created.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failedToStart) {
        await Promise.all(workers.map((w) => w.runUntil(Promise.resolve())));
        throw failedToStart.reason;
      }

      const done = test({
        env: testEnv,
        client: testEnv.client,
        taskQueue,
        calls,
        names: () => calls.map((c) => c.name),
        argsOf: (name) => calls.filter((c) => c.name === name).map((c) => c.args),
        called: (name, count = 1) =>
          calls.filter((c) => c.name === name).length >= count
            ? Promise.resolve()
            : new Promise<void>((resolve) => waiters.push({ name, count, resolve })),
      });
      // Every worker stops once the test settles; a failing test fails with its own error.
      const stopped = Promise.allSettled(workers.map((worker) => worker.runUntil(done)));
      running = { workers, stopped };
      const failure = (await stopped).find((s): s is PromiseRejectedResult => s.status === 'rejected');
      running = undefined;
      if (failure) throw failure.reason;
      return done;
    },
  };
}
