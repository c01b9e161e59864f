/** A run that finally fails raises an alert before it fails: no integration fails silently. */
import {
  ApplicationFailure,
  ContinueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
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

/** Tells a human about this run (integration, record, error, link to the run in the Web UI). */
export async function sendAlert(
  integration: string,
  recordId: string | undefined,
  error: string,
): Promise<void> {
  const { workflowId, runId } = workflowInfo();
  await raiseRunFailureAlert({ integration, workflowId, runId, recordId, error });
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
    // continueAsNew() ends the run by throwing: a run handing over to the next is no failure. Runs that
    // alerted on it before this check replay as they ran (no patch marker in their history).
    if (err instanceof ContinueAsNew && patched('no-alert-on-continue-as-new')) throw err;
    progress.stage = 'failed';
    progress.lastError = describeError(err);
    await sendAlert(progress.integration, recordId, progress.lastError);
    throw err;
  }
}
