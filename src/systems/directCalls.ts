/**
 * The activity behind direct calls (DIRECT_CALLS in ./index.ts): a local activity, registered on the
 * integrations' task queue, that makes one listed call in the workflow task. A call starts direct only
 * when the system's rate budget has a free token, fewer than MAX_DIRECT_IN_FLIGHT calls to the system are
 * under way, and its last direct call did not fail in the past FAILURE_COOL_OFF_MS; otherwise it answers
 * `made: false` and the workflow makes the call on the system's queue. Those bounds matter because a
 * workflow task holds its worker slot until its local activities end: a slow or failing API must not
 * hold them all. A call that started direct stays direct: its retries (the system's policy) count
 * against the budget, so it makes no more attempts than a queued call would. Its final failure is thrown.
 */
import { Context } from '@temporalio/activity';
import { DIRECT_CALLS, type DirectCallName, type SystemName } from './index';
import type { RateBudgets } from './rateBudgets';

export interface DirectCall {
  name: DirectCallName;
  args: unknown[];
}

export type DirectCallOutcome = { made: true; result: unknown } | { made: false; why: string };

/**
 * Per system: direct calls under way hold at most this many of the integration worker's 40 workflow-task
 * slots. At 5, calls that found no slot went to the queue under a burst and the server worked ~20% more
 * while draining (probe, README "Performance"); at 16 it drained as with no bound.
 */
export const MAX_DIRECT_IN_FLIGHT = 16;
/** After a direct call to a system fails, new calls to it go to its queue for this long. */
export const FAILURE_COOL_OFF_MS = 30_000;

export function createDirectCallActivities(deps: {
  systems: Record<SystemName, object>;
  budgets: RateBudgets;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const inFlight = new Map<SystemName, number>();
  const failedAt = new Map<SystemName, number>();
  return {
    async callSystemDirectly(call: DirectCall): Promise<DirectCallOutcome> {
      const system = Object.hasOwn(DIRECT_CALLS, call.name) ? DIRECT_CALLS[call.name] : undefined;
      const fn = system && (deps.systems[system] as Record<string, unknown>)[call.name];
      if (!system || typeof fn !== 'function')
        return { made: false, why: `${call.name} is not a direct call` };
      const budget = deps.budgets[system];
      if (Context.current().info.attempt > 1) {
        budget.debit(); // at most MAX_DIRECT_IN_FLIGHT such retries, each after its backoff
      } else {
        if (now() - (failedAt.get(system) ?? -Infinity) < FAILURE_COOL_OFF_MS)
          return { made: false, why: `a direct call to ${system} just failed: the call waits on its queue` };
        if ((inFlight.get(system) ?? 0) >= MAX_DIRECT_IN_FLIGHT)
          return { made: false, why: `${MAX_DIRECT_IN_FLIGHT} direct calls to ${system} are under way` };
        if (!budget.tryTake())
          return { made: false, why: `${system}'s rate limit is in use: the call waits on its queue` };
      }
      inFlight.set(system, (inFlight.get(system) ?? 0) + 1);
      try {
        return { made: true, result: await (fn as (...a: unknown[]) => Promise<unknown>)(...call.args) };
      } catch (err) {
        failedAt.set(system, now());
        throw err;
      } finally {
        inFlight.set(system, inFlight.get(system)! - 1);
      }
    },
  };
}
