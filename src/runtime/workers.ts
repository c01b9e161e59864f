/**
 * The worker set of one process: the integration worker (workflows + core activities such as alerts) on
 * the main task queue, and one activity worker per external system on `api.<system>` registering only
 * that system's activities, whose
 * maxTaskQueueActivitiesPerSecond the Temporal server enforces across every worker process. A burst
 * waits in Temporal's queue; it is never dropped. Calls workflows make directly (local activities, see
 * DIRECT_CALLS) share the process's rate budget with the queued ones (src/systems/rateBudgets.ts).
 */
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { ActivitiesBySystem } from '../systems/activities';
import type { Config } from '../config';
import { SYSTEMS, taskQueueFor } from '../systems/index';
import { countAgainstRateBudget } from '../systems/rateBudgets';
import { dataConverter, workflowFailureConverterPath } from './dataConverter';
import { workflowSource } from './workflowBundle';

export interface WorkerSetOptions {
  config: Config;
  connection: NativeConnection;
  activities: ActivitiesBySystem;
  /**
   * A prebuilt bundle (tests build once; with PAYLOAD_CODEC_KEY it must hold the failure converter, see
   * workflowFailureConverterPath); otherwise the workflows are bundled from source.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export interface WorkerSet {
  workers: Worker[];
  /** Runs every worker until shutdown() or a fatal error. */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createWorkers(opts: WorkerSetOptions): Promise<WorkerSet> {
  const { config, connection, activities } = opts;
  const common = {
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.temporal),
    // In-flight activities get this long to finish on SIGTERM before they are cancelled.
    shutdownGraceTime: '10s',
  } satisfies Partial<WorkerOptions>;

  const integrationWorker = await Worker.create({
    ...common,
    taskQueue: config.temporal.taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : await workflowSource(workflowFailureConverterPath(config.temporal))),
    activities: activities.core,
    // Runs kept in the sticky cache (WORKER_MAX_CACHED_WORKFLOWS). The SDK's default sizes the cache from
    // the heap limit (~2,200 runs on a 24 GB machine): an entity run per contact, open for its idle
    // timeout, filled it under a webhook burst. Past this many, the least recently used run is evicted
    // and replayed from its history when its next task comes.
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
  });
  const apiWorkers = await Promise.all(
    SYSTEMS.map((system) =>
      Worker.create({
        ...common,
        taskQueue: taskQueueFor(system),
        activities: activities.systems[system],
        maxTaskQueueActivitiesPerSecond: config.systems[system].rateLimitPerSecond,
        // The same limit in this process: direct calls start only when queued ones leave room.
        interceptors: { activity: [countAgainstRateBudget(activities.budgets[system])] },
      }),
    ),
  );
  const workers = [integrationWorker, ...apiWorkers];
  return {
    workers,
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}
