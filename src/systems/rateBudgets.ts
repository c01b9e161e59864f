/**
 * Each system's rate limit, held in the workers process as a token bucket (`<SYSTEM>_RATE_LIMIT_PER_SECOND`
 * a second, a burst of half a second's worth), shared by every call this process makes to the system:
 *
 * - a direct call (DIRECT_CALLS in ./index.ts) starts only if a token is free; otherwise the workflow
 *   makes the call on the system's queue;
 * - a queued call (an activity on `api.<system>`) takes its token as it runs, free or not: the server
 *   already paces the queue to the same limit across every workers process, so it never waits here, and
 *   while queued calls use the whole limit, no direct call starts.
 *
 * So one workers process keeps to the limit: the rate, after a first second in which the direct calls that
 * found room and the queue's own first burst can add up. With N workers processes (WORKER_REPLICAS) each
 * bucket holds 1/N of the limit: a process runs about 1/N of the queued calls, and its direct calls take
 * what its share leaves, so together they keep to the limit while the queue keeps all of it.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { SystemConfig } from '../config';
import { TokenBucket } from '../http/tokenBucket';
import { SYSTEMS, type SystemName } from './index';

export type RateBudgets = Record<SystemName, TokenBucket>;

export function createRateBudgets(
  systems: Record<SystemName, Pick<SystemConfig, 'rateLimitPerSecond'>>,
  { processes = 1, now = Date.now }: { processes?: number; now?: () => number } = {},
) {
  return Object.fromEntries(
    SYSTEMS.map((system) => {
      const perSecond = systems[system].rateLimitPerSecond / processes;
      // A burst of half a second's worth: the API counts requests as they arrive, and the network
      // bunches them; the margin keeps arrivals inside a one-second burst.
      return [system, new TokenBucket(perSecond, Math.max(1, Math.round(perSecond / 2)), now)];
    }),
  ) as RateBudgets;
}

/** For a system's activity worker: every attempt counts against the budget as it runs. */
export function countAgainstRateBudget(budget: TokenBucket): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        budget.debit();
        return next(input);
      },
    },
  });
}
