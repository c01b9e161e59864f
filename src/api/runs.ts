/** GET /runs/:id — a run's status, integration, times, progress, and its result or failure. */
import { Router } from 'express';
import { Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { IntegrationKey, RecordIdKey, SourceKey, EventTypeKey } from '../temporal/searchAttributes';
import { TEMPORAL_CALL_DEADLINE_MS } from '../temporal/startRun';
import type { RunProgress } from '../workflows/progress';
import { notFound, temporalUnavailable } from './errors';

export interface RunView {
  workflowId: string;
  runId: string;
  status: string;
  integration?: string;
  source?: string;
  eventType?: string;
  recordId?: string;
  workflowType: string;
  startTime: string;
  closeTime?: string;
  historyLength: number;
  progress?: RunProgress;
  result?: unknown;
  failure?: { message: string; cause?: string };
}

const QUERY_DEADLINE_MS = 3000;

export async function describeRun(client: Client, workflowId: string): Promise<RunView> {
  const handle = client.workflow.getHandle(workflowId);
  const d = await client.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, () => handle.describe());
  const view: RunView = {
    workflowId: d.workflowId,
    runId: d.runId,
    status: d.status.name.toLowerCase(),
    integration: d.typedSearchAttributes.get(IntegrationKey),
    source: d.typedSearchAttributes.get(SourceKey),
    eventType: d.typedSearchAttributes.get(EventTypeKey),
    recordId: d.typedSearchAttributes.get(RecordIdKey),
    workflowType: d.type,
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime?.toISOString(),
    historyLength: d.historyLength,
  };
  // The progress query needs a worker; a run is still described when none is up.
  view.progress = await client
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query<RunProgress>('progress'))
    .catch(() => undefined);
  if (d.status.name === 'COMPLETED') {
    view.result = await handle.result();
  } else if (d.status.name === 'FAILED' || d.status.name === 'TIMED_OUT') {
    try {
      await handle.result();
    } catch (err) {
      const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
      view.failure = {
        message: cause?.message ?? (err as Error).message,
        cause: (cause as { cause?: Error })?.cause?.message,
      };
    }
  }
  return view;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5;
}

export function runsRouter(deps: { client: Client }): Router {
  const router = Router();
  router.get('/runs/*id', async (req, res) => {
    const id = ([] as string[]).concat((req.params as Record<string, string | string[]>).id).join('/');
    try {
      res.json(await describeRun(deps.client, id));
    } catch (err) {
      if (isNotFound(err)) throw notFound('run_not_found', `no run with workflow id "${id}"`);
      throw temporalUnavailable();
    }
  });
  return router;
}
