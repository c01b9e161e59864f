/**
 * `callDirectOrQueued`: a listed call (DIRECT_CALLS in src/systems/index.ts) made inside the workflow
 * task while the system's rate limit has room, with the system's timeouts and retry policy; when an
 * attempt finds no room, on the system's queue, exactly as `proxyActivities` would make it. Either way the
 * workflow gets the same typed result or the same failure, and the history names the call in its summary.
 *
 * Changing an existing run's calls from queued to direct changes its commands: guard the switch with
 * `patched()` so runs already open replay the way they were recorded.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import {
  activityOptionsFor,
  directCallOptionsFor,
  DIRECT_CALLS,
  type DirectCallName,
} from '../../systems/index';

export async function callDirectOrQueued<N extends DirectCallName>(
  name: N,
  summary: string,
  ...args: Parameters<Activities[N]>
): Promise<Awaited<ReturnType<Activities[N]>>> {
  const system = DIRECT_CALLS[name];
  // Proxies are cheap views over the options, like proxyActivities below: made per call, nothing kept.
  const direct = proxyLocalActivities<Pick<Activities, 'callSystemDirectly'>>(directCallOptionsFor(system));
  const outcome = await direct.callSystemDirectly
    .executeWithOptions({ summary: `${summary} (direct)` }, [{ name, args }])
    .catch((err: unknown) => {
      throw asCallFailure(name, err);
    });
  if (outcome.made) return outcome.result as Awaited<ReturnType<Activities[N]>>;
  const queued = proxyActivities<Pick<Activities, N>>(activityOptionsFor(system));
  const call = queued[name] as unknown as {
    executeWithOptions(o: { summary: string }, a: unknown[]): Promise<Awaited<ReturnType<Activities[N]>>>;
  };
  return call.executeWithOptions({ summary }, args);
}

/**
 * A local activity's final failure reaches the workflow bare, and its timeout as an ActivityFailure of
 * `callSystemDirectly`; a queued call's failure is an ActivityFailure naming the call. The run fails the
 * same way either way, so alerts and the Web UI read the same.
 */
function asCallFailure(name: DirectCallName, err: unknown): unknown {
  if (isCancellation(err) || !(err instanceof Error)) return err;
  if (err instanceof ActivityFailure) {
    if (err.activityType === name) return err;
    return new ActivityFailure(err.message, name, err.activityId, err.retryState, err.identity, err.cause);
  }
  const retryState =
    err instanceof ApplicationFailure && err.nonRetryable
      ? 'NON_RETRYABLE_FAILURE'
      : 'MAXIMUM_ATTEMPTS_REACHED';
  return new ActivityFailure('Activity task failed', name, undefined, retryState, undefined, err);
}
