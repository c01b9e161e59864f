/**
 * The standard `progress` query every workflow answers, so GET /runs/:id and operators can see where a
 * run is without reading its history.
 */
import { defineQuery, setHandler } from '@temporalio/workflow';

export interface RunProgress {
  integration: string;
  stage: string;
  stepsDone: string[];
  lastError?: string;
  /** Integration-specific counters and outcomes (events applied, per-target results…). */
  details: Record<string, unknown>;
}

export const progressQuery = defineQuery<RunProgress>('progress');

/** Registers the query and returns the object the workflow updates as it goes. */
export function trackProgress(
  integration: string,
  details: Record<string, unknown> = {},
): RunProgress & {
  step(name: string): void;
} {
  const progress = {
    integration,
    stage: 'started',
    stepsDone: [] as string[],
    lastError: undefined as string | undefined,
    details,
    step(name: string) {
      progress.stepsDone.push(name);
      // Long-lived runs (entity workflows) keep only the recent steps: the query answer stays small.
      if (progress.stepsDone.length > 50) progress.stepsDone.splice(0, progress.stepsDone.length - 50);
    },
  };
  setHandler(progressQuery, () => ({
    integration: progress.integration,
    stage: progress.stage,
    stepsDone: [...progress.stepsDone],
    lastError: progress.lastError,
    details: progress.details,
  }));
  return progress;
}
