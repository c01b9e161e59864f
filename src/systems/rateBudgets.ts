/**
 * Each system's rate limit, held in the workers process as a token bucket (`<SYSTEM>_RATE_LIMIT_PER_SECOND`
 * a second, a burst of one second's worth), shared by every call this process makes to the system:
 *
 * - a direct call (DIRECT_CALLS in src/systems/index.ts) takes a token only if one is there and nobody
 *   waits for it; otherwise the workflow makes the call on the system's queue instead;
 * - a queued call (an activity on `api.<system>`) waits in line for its token before it runs. The server
 *   already holds the same limit on that queue across every workers process, so the wait is short: it
 *   only covers the tokens direct calls took.
 *
 * So one workers process keeps to the limit (a burst of one second's worth, then the rate). Several
 * workers processes each hold the whole limit for their direct calls: give each its share (README).
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { SystemConfig } from '../config';
import { TokenBucket } from '../http/tokenBucket';
import { SYSTEMS, type SystemName } from './index';

export type RateBudgets = Record<SystemName, TokenBucket>;

export function createRateBudgets(
  systems: Record<SystemName, Pick<SystemConfig, 'rateLimitPerSecond'>>,
  now: () => number = Date.now,
) {
  return Object.fromEntries(
    SYSTEMS.map((system) => [system, new TokenBucket(systems[system].rateLimitPerSecond, undefined, now)]),
  ) as RateBudgets;
}

/** For a system's activity worker: every attempt waits for its token before it runs. */
export function waitForRateBudget(budget: TokenBucket): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        await budget.take();
        return next(input);
      },
    },
  });
}
