/**
 * The standard `progress` query every workflow answers, so GET /runs/:id and operators can see where a
 * run is without reading its history.
 */
import { defineQuery, setCurrentDetails, setHandler } from '@temporalio/workflow';

export interface RunProgress {
  integration: string;
  stage: string;
  stepsDone: string[];
  lastError?: string;
  /** Integration-specific counters and outcomes (events applied, per-target results…). */
  details: Record<string, unknown>;
}

export const progressQuery = defineQuery<RunProgress>('progress');

/**
 * What the Web UI shows as the run's "Current Details" (Temporal markdown): the stage, the last step and
 * the last error. Current details travel in the answer to the UI's metadata query, never in a command,
 * so setting them leaves the history (and the replay of recorded histories) exactly as it was.
 */
export function currentDetailsOf(p: Pick<RunProgress, 'stage' | 'stepsDone' | 'lastError'>): string {
  const lines = [`**Stage:** ${p.stage}`];
  const last = p.stepsDone[p.stepsDone.length - 1];
  if (last) lines.push(`**Last step:** ${last} (${p.stepsDone.length} step(s) so far)`);
  if (p.lastError) lines.push(`**Last error:** ${p.lastError}`);
  return lines.join('\n\n');
}

/**
 * Registers the query and returns the object the workflow updates as it goes. `stage` and `lastError` are
 * accessors: every change, like every `step`, also refreshes the Web UI's Current Details.
 */
export function trackProgress(
  integration: string,
  details: Record<string, unknown> = {},
): RunProgress & {
  step(name: string): void;
} {
  let stage = 'started';
  let lastError: string | undefined;
  const stepsDone: string[] = [];
  const publish = () => setCurrentDetails(currentDetailsOf({ stage, stepsDone, lastError }));
  const progress = {
    integration,
    get stage() {
      return stage;
    },
    set stage(value: string) {
      stage = value;
      publish();
    },
    stepsDone,
    get lastError() {
      return lastError;
    },
    set lastError(value: string | undefined) {
      lastError = value;
      publish();
    },
    details,
    step(name: string) {
      stepsDone.push(name);
      // Long-lived runs (entity workflows) keep only the recent steps: the query answer stays small.
      if (stepsDone.length > 50) stepsDone.splice(0, stepsDone.length - 50);
      publish();
    },
  };
  setHandler(progressQuery, () => ({
    integration: progress.integration,
    stage,
    stepsDone: [...stepsDone],
    lastError,
    details: progress.details,
  }));
  publish();
  return progress;
}
