/**
 * One integration's health, from Temporal visibility: counts from count queries (grouped by
 * ExecutionStatus where the server supports it, else one count per status), never from listing every
 * run; the last success and the duration sample from one bounded page of completed runs; the last
 * failure from one run and its close event.
 */
import type { Client, CountWorkflowExecution } from '@temporalio/client';
import { grpcCodeOf, withTemporalDeadline as withDeadline } from '../runtime/calls';
import { failureOf, listRunsByQuery, quoteVisibilityValue } from './runs';
import type { IntegrationStats, RunView } from './schemas';

export const STATS_WINDOW_MS = 24 * 60 * 60 * 1000;
/** How many of the newest completed runs the p50 duration is taken from. */
export const DURATION_SAMPLE = 50;

export interface StatsOptions {
  now?: Date;
  /**
   * Count with `GROUP BY ExecutionStatus` (one query). Unset: tried first, and after a server refuses it
   * (older servers, some visibility stores) one count per status.
   */
  groupBy?: boolean;
}

/** Remembers, per client, that its server refused GROUP BY, so the refused query is not sent every time. */
const groupByRefused = new WeakSet<Client>();

const CLOSED_COUNTED = ['Completed', 'Failed', 'TimedOut'] as const;

/** Runs open now plus runs closed since `since`, by ExecutionStatus name ("Running", "Completed", …). */
export async function countByStatus(
  client: Client,
  integrationClause: string,
  since: string,
  opts: { groupBy?: boolean } = {},
): Promise<Record<string, number>> {
  const count = (query: string) => withDeadline(client, () => client.workflow.count(query));
  const useGroupBy = opts.groupBy ?? !groupByRefused.has(client);
  if (useGroupBy) {
    let answer: CountWorkflowExecution | undefined;
    try {
      answer = await count(
        `${integrationClause} AND (ExecutionStatus = "Running" OR CloseTime >= "${since}") GROUP BY ExecutionStatus`,
      );
    } catch (err) {
      // INVALID_ARGUMENT / UNIMPLEMENTED: this server cannot group; anything else is a real failure.
      if (opts.groupBy !== undefined || ![3, 12].includes(grpcCodeOf(err) ?? -1)) throw err;
      groupByRefused.add(client);
    }
    if (answer) {
      const byStatus: Record<string, number> = {};
      for (const group of answer.groups) byStatus[String(group.groupValues[0])] = group.count;
      return byStatus;
    }
  }
  const [running, ...closed] = await Promise.all([
    count(`${integrationClause} AND ExecutionStatus = "Running"`),
    ...CLOSED_COUNTED.map((status) =>
      count(`${integrationClause} AND ExecutionStatus = "${status}" AND CloseTime >= "${since}"`),
    ),
  ]);
  return Object.fromEntries([
    ['Running', running.count],
    ...CLOSED_COUNTED.map((status, i) => [status, closed[i]!.count]),
  ]);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/**
 * The one-line reason a run failed: the failure and its cause ("Activity task failed: mailchimp PUT … → 400 …"),
 * or the code of a failure that could not be decoded ("undecodable_payload: …").
 */
export function failureLine(failure: RunView['failure']): string {
  if (!failure) return 'unknown (the failure could not be read)';
  if (failure.code) return `${failure.code}: ${failure.message}`;
  return failure.cause ? `${failure.message}: ${failure.cause}` : failure.message;
}

export async function integrationStats(
  client: Client,
  namespace: string,
  integration: string,
  opts: StatsOptions = {},
): Promise<IntegrationStats> {
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - STATS_WINDOW_MS).toISOString();
  const clause = `Integration = ${quoteVisibilityValue(integration)}`;

  const [started, byStatus, completedRuns, failedRuns] = await Promise.all([
    withDeadline(client, () => client.workflow.count(`${clause} AND StartTime >= "${since}"`)),
    countByStatus(client, clause, since, { groupBy: opts.groupBy }),
    // Newest closed first (the server's order): the first one is the last success.
    listRunsByQuery(client, namespace, `${clause} AND ExecutionStatus = "Completed"`, DURATION_SAMPLE),
    listRunsByQuery(
      client,
      namespace,
      `${clause} AND (ExecutionStatus = "Failed" OR ExecutionStatus = "TimedOut")`,
      1,
    ),
  ]);

  const closeTimes = completedRuns.runs.flatMap((r) => (r.closeTime ? [r.closeTime] : []));
  const durations = completedRuns.runs.flatMap((r) =>
    r.closeTime ? [Date.parse(r.closeTime) - Date.parse(r.startTime)] : [],
  );
  const newestFailure = failedRuns.runs[0];
  let lastFailure: IntegrationStats['lastFailure'] = null;
  if (newestFailure) {
    const handle = client.workflow.getHandle(newestFailure.workflowId, newestFailure.runId, {
      followRuns: false,
    });
    lastFailure = {
      workflowId: newestFailure.workflowId,
      runId: newestFailure.runId,
      message: failureLine(await failureOf(client, handle)),
      at: newestFailure.closeTime ?? newestFailure.startTime,
    };
  }
  const failed = (byStatus.Failed ?? 0) + (byStatus.TimedOut ?? 0);
  return {
    integration,
    window: '24h',
    since,
    started: started.count,
    running: byStatus.Running ?? 0,
    completed: byStatus.Completed ?? 0,
    failed,
    alertsRaised: byStatus.Failed ?? 0,
    lastSuccessAt: closeTimes.length ? closeTimes.reduce((a, b) => (a > b ? a : b)) : null,
    lastFailure,
    p50DurationMs: median(durations),
    durationSample: durations.length,
  };
}
