/** A run that finally fails raises an alert before it fails: no integration fails silently. */
import { ApplicationFailure, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RunProgress } from './progress';

const { raiseRunFailureAlert } = proxyActivities<Pick<Activities, 'raiseRunFailureAlert'>>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 10, maximumInterval: '1m' },
});

export function describeError(err: unknown): string {
  if (err instanceof ApplicationFailure || err instanceof Error) {
    const cause = (err as { cause?: Error }).cause;
    return cause?.message ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

export async function alertOnFailure<T>(
  progress: RunProgress,
  recordId: string | undefined,
  run: () => Promise<T>,
) {
  try {
    return await run();
  } catch (err) {
    if (isCancellation(err)) throw err;
    progress.stage = 'failed';
    progress.lastError = describeError(err);
    const { workflowId, runId } = workflowInfo();
    await raiseRunFailureAlert({
      integration: progress.integration,
      workflowId,
      runId,
      recordId,
      error: progress.lastError,
    });
    throw err;
  }
}
