/**
 * The activity behind direct calls (DIRECT_CALLS in ./index.ts): a local activity, registered on the
 * integrations' task queue, that makes one listed call now if the system's rate budget has a token for it.
 * It never throws for the call's sake: when there is no token, or the call fails, it says so and the
 * workflow makes the call on the system's queue, where retries, backoff and the server's limit apply.
 */
import { Context } from '@temporalio/activity';
import type { Logger } from '../logger';
import { DIRECT_CALLS, type DirectCallName, type SystemName } from './index';
import type { RateBudgets } from './rateBudgets';

export interface DirectCall {
  name: DirectCallName;
  args: unknown[];
}

export type DirectCallOutcome = { made: true; result: unknown } | { made: false; why: string };

type SystemActivities = Record<SystemName, object>;

export function createDirectCallActivities(deps: {
  systems: SystemActivities;
  budgets: RateBudgets;
  logger: Logger;
}) {
  return {
    async callSystemDirectly(call: DirectCall): Promise<DirectCallOutcome> {
      const system = DIRECT_CALLS[call.name];
      const fn = system && (deps.systems[system] as Record<string, unknown>)[call.name];
      if (typeof fn !== 'function') return { made: false, why: `${call.name} is not a direct call` };
      if (!deps.budgets[system].tryTake())
        return { made: false, why: `${system}'s rate limit is in use: the call waits on its queue` };
      try {
        return { made: true, result: await (fn as (...a: unknown[]) => Promise<unknown>)(...call.args) };
      } catch (err) {
        const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        deps.logger.warn(
          { call: call.name, workflowId: Context.current().info.workflowExecution?.workflowId, why },
          'direct call failed; the run makes it on the queue',
        );
        return { made: false, why };
      }
    },
  };
}
