/**
 * `callDirectOrQueued`: a listed call (DIRECT_CALLS in src/systems/index.ts) made inside the workflow
 * task when the system's rate limit has room, else — or when that one attempt fails — on the system's
 * queue with its retry policy, exactly as `proxyActivities` would make it. Either way the workflow gets
 * the same typed result, and the history names the call in its summary.
 *
 * Changing an existing run's calls from queued to direct changes its commands: guard the switch with
 * `patched()` so runs already open replay the way they were recorded.
 */
import { isCancellation, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import {
  activityOptionsFor,
  DIRECT_CALL_OPTIONS,
  DIRECT_CALLS,
  type DirectCallName,
} from '../../systems/index';

const direct = proxyLocalActivities<Pick<Activities, 'callSystemDirectly'>>(DIRECT_CALL_OPTIONS);

export async function callDirectOrQueued<N extends DirectCallName>(
  name: N,
  summary: string,
  ...args: Parameters<Activities[N]>
): Promise<Awaited<ReturnType<Activities[N]>>> {
  try {
    const outcome = await direct.callSystemDirectly.executeWithOptions({ summary: `${summary} (direct)` }, [
      { name, args },
    ]);
    if (outcome.made) return outcome.result as Awaited<ReturnType<Activities[N]>>;
  } catch (err) {
    // Timed out or the worker lost it: the queued call below takes over. A cancelled run stops here.
    if (isCancellation(err)) throw err;
  }
  const queued = proxyActivities<Pick<Activities, N>>(activityOptionsFor(DIRECT_CALLS[name]));
  const call = queued[name] as unknown as {
    executeWithOptions(o: { summary: string }, a: unknown[]): Promise<Awaited<ReturnType<Activities[N]>>>;
  };
  return call.executeWithOptions({ summary }, args);
}
