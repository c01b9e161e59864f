/**
 * The activity behind direct calls (DIRECT_CALLS in ./index.ts): a local activity, registered on the
 * integrations' task queue, that makes one listed call if the system's rate budget has a token for this
 * attempt. With no token it answers `made: false` and the workflow makes the call on the system's queue.
 * A failed call is thrown, as the queued call's would be: the local activity retries it with the
 * system's policy, and a final failure is the run's to handle.
 */
import { DIRECT_CALLS, type DirectCallName, type SystemName } from './index';
import type { RateBudgets } from './rateBudgets';

export interface DirectCall {
  name: DirectCallName;
  args: unknown[];
}

export type DirectCallOutcome = { made: true; result: unknown } | { made: false; why: string };

export function createDirectCallActivities(deps: {
  systems: Record<SystemName, object>;
  budgets: RateBudgets;
}) {
  return {
    async callSystemDirectly(call: DirectCall): Promise<DirectCallOutcome> {
      const system = Object.hasOwn(DIRECT_CALLS, call.name) ? DIRECT_CALLS[call.name] : undefined;
      const fn = system && (deps.systems[system] as Record<string, unknown>)[call.name];
      if (!system || typeof fn !== 'function')
        return { made: false, why: `${call.name} is not a direct call` };
      if (!deps.budgets[system].tryTake())
        return { made: false, why: `${system}'s rate limit is in use: the call waits on its queue` };
      return { made: true, result: await (fn as (...a: unknown[]) => Promise<unknown>)(...call.args) };
    },
  };
}
