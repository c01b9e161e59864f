/** Entry point: the worker process. Drains in-flight tasks on SIGTERM/SIGINT, then exits. */
import v8 from 'node:v8';
import { createActivitiesBySystem } from './systems/activities';
import { config, ConfigError, workerV8Flags, workflowHeapFloorMb } from './config';
import { logger } from './logger';
import { connectWorker, createClient } from './runtime/connection';
import { installRuntimeLogger } from './runtime/runtime';
import { ensureSchedules } from './runtime/schedules';
import { followParent, reportReady, supervisedRole } from './runtime/supervisor';
import { createWorkers } from './runtime/workers';
import { workflowEntry } from './runtime/workflowEntry';

export async function main(): Promise<void> {
  const cfg = config();
  // Under `npm start` the SDK's info lines (worker states, poller changes) would bury its banner.
  installRuntimeLogger(logger, supervisedRole() ? 'WARN' : 'INFO', cfg.workerMetricsAddress);
  if (cfg.production && !cfg.temporal.codecKey)
    logger.warn(
      'PAYLOAD_CODEC_KEY is not set: records (names, emails, addresses) are stored in Temporal in clear',
    );
  // The workflow thread (created by createWorkers below) takes its heap limit from V8's flags at its
  // creation: WORKER_WORKFLOW_HEAP_MB bounds it without limiting this thread (activities, the SDK's core).
  // Without a limit V8 lets the garbage of finished and evicted runs pile up towards its ~4 GB default.
  // Without preloading (no writable temporary directory, or a workflow outside its folder's module) every
  // cached run holds its own modules: the limit then rises to what they need rather than stop the worker.
  const modulesShared = (workflowEntry().bundlerOptions.preloadModules ?? []).length > 0;
  const heapMb = Math.max(
    cfg.workerWorkflowHeapMb,
    workflowHeapFloorMb(cfg.workerMaxCachedWorkflows, modulesShared),
  );
  if (!modulesShared)
    logger.warn(
      { workflowHeapMb: heapMb },
      'workflow modules are not preloaded: each run loads its own, so the workflow heap limit was raised',
    );
  v8.setFlagsFromString(`--max-old-space-size=${heapMb}`);
  // Without these V8 let the main thread's heap grow to ~3× what is live before collecting (README
  // "Performance", goal 4). The growing factor applies to every thread from its next collection; the
  // semi-space size only to threads started after this (the workflow thread): this one needs it on its
  // command line.
  const heapFlags = workerV8Flags(cfg);
  for (const flag of heapFlags) v8.setFlagsFromString(flag);
  const semiSpace = heapFlags.find((flag) => flag.startsWith('--max-semi-space-size='));
  const commandLine = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (!commandLine.some((arg) => arg.startsWith('--max-semi-space-size')))
    logger.info(
      { flag: semiSpace },
      "the worker's main thread keeps V8's default young generation: start it with this node flag to bound it",
    );
  const address = cfg.temporal.address ?? `127.0.0.1:${cfg.temporal.grpcPort}`;
  const connection = await connectWorker(cfg.temporal, address);
  const set = await createWorkers({
    config: cfg,
    connection,
    activities: createActivitiesBySystem({ config: cfg, logger }),
  });
  // The SDK's default handlers already shut workers down on SIGINT/SIGTERM; we log and let run() settle.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => logger.info({ signal }, 'draining workers'));
  // Every worker process ensures the schedules: idempotent, and no separate deploy step to forget.
  await ensureSchedules(createClient(cfg.temporal, address), cfg, logger);
  logger.info({ address, taskQueue: cfg.temporal.taskQueue }, 'workers running');
  reportReady();
  await set.run();
  await connection.close();
  logger.info('workers stopped');
}

if (require.main === module) {
  followParent();
  main().catch((err) => {
    if (err instanceof ConfigError)
      logger.fatal({ problems: err.message.split('\n') }, 'configuration refused: the worker did not start');
    else logger.fatal({ err }, 'worker failed');
    process.exit(1);
  });
}
