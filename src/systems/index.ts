/**
 * The external systems Switchboard talks to, as data: their task queue and the retry policy of their
 * activities. Pure (no I/O, no Node APIs) so that workflows, the worker and config can all import it.
 *
 * Retry policies live here, with the system, not at call sites: an API's failure modes (how long it
 * takes to recover, how often it throttles) are a property of the API, not of the integration.
 */
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/common';
import type { ActivitiesBySystem } from './activities';

export const SYSTEMS = [
  'hubspot',
  'mailchimp',
  'mandrill',
  'slack',
  'stripe',
  'shopify',
  'zendesk',
  'shipbob',
] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** Every system's activities run on their own queue, where the server enforces its rate limit. */
export function taskQueueFor(system: SystemName): string {
  return `api.${system}`;
}

/** Errors the HTTP layer raises that no retry can fix. */
export const NON_RETRYABLE_ERROR_TYPES = [
  'ApiRequestError',
  'ContractError',
  'ConfigError',
  'ResponseTooLargeError',
];

/**
 * Statuses an API answers only for a moment, beyond 408, 429 and 5xx. Stripe's 409 (`idempotency_error`)
 * means another request with the same Idempotency-Key is still in progress; it was not saved, so the retry
 * gets the first request's answer (Stripe's own libraries retry it too).
 */
const TRANSIENT_STATUSES: Partial<Record<SystemName, readonly number[]>> = { stripe: [409] };

export function isTransientStatus(system: string, status: number): boolean {
  return (
    (TRANSIENT_STATUSES as Record<string, readonly number[] | undefined>)[system]?.includes(status) === true
  );
}

const standardRetry = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 8,
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
} as const;

/** Activity options for calling each system; a workflow proxies a system's activities with these. */
export const SYSTEM_ACTIVITY_OPTIONS: Record<SystemName, ActivityOptions> = {
  hubspot: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '10m', retry: { ...standardRetry } },
  mailchimp: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '10m', retry: { ...standardRetry } },
  mandrill: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '10m', retry: { ...standardRetry } },
  slack: { startToCloseTimeout: '15s', scheduleToCloseTimeout: '10m', retry: { ...standardRetry } },
  // Invoicing is money: give Stripe longer to recover, every write carries an Idempotency-Key.
  stripe: {
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '30m',
    retry: { ...standardRetry, maximumAttempts: 10, maximumInterval: '1m' },
  },
  shopify: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '15m', retry: { ...standardRetry } },
  zendesk: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '10m', retry: { ...standardRetry } },
  shipbob: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '15m', retry: { ...standardRetry } },
};

export function activityOptionsFor(
  system: SystemName,
  overrides: Partial<ActivityOptions> = {},
): ActivityOptions {
  return { ...SYSTEM_ACTIVITY_OPTIONS[system], ...overrides, taskQueue: taskQueueFor(system) };
}

/**
 * Calls a workflow may make directly: as a local activity inside its workflow task, when the workers
 * process has room in the system's rate limit right then (src/systems/rateBudgets.ts), instead of through
 * the system's task queue. A direct call costs the run one history event where a queued one costs three
 * and a round trip through the server's queue, which is most of a short run's time and of the server's
 * writes. It is the same call with the system's timeouts and retry policy (Retry-After obeyed). A call
 * that finds no room when it starts is made on the queue instead, and a direct call's key for the API
 * (Idempotency-Key) is not the queued call's. So only short, idempotent calls are listed: a read, a PUT
 * by key.
 */
const DIRECT_CALLS_BY_SYSTEM = {
  hubspot: ['getHubspotContact'],
  mailchimp: ['upsertMailchimpMember'],
} as const satisfies { [S in SystemName]?: readonly (keyof ActivitiesBySystem['systems'][S])[] };

type Listed = typeof DIRECT_CALLS_BY_SYSTEM;
export type DirectCallName = Listed[keyof Listed][number];

/** The system each direct call belongs to. */
export const DIRECT_CALLS = Object.fromEntries(
  Object.entries(DIRECT_CALLS_BY_SYSTEM).flatMap(([system, names]) => names.map((name) => [name, system])),
) as { readonly [N in DirectCallName]: SystemName };

/**
 * A direct call's options: its system's timeouts and retry policy. A retry that waits longer than 2 s
 * waits on a durable timer, so an API that is down never holds the workflow task open.
 */
export function directCallOptionsFor(system: SystemName): LocalActivityOptions {
  const { startToCloseTimeout, scheduleToCloseTimeout, retry } = SYSTEM_ACTIVITY_OPTIONS[system];
  return { startToCloseTimeout, scheduleToCloseTimeout, retry, localRetryThreshold: '2s' };
}
