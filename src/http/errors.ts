/**
 * One error type per failure kind, each mapped to a Temporal failure so the retry policy does the right
 * thing: the server decides when to retry, never the caller.
 */
import { ApplicationFailure } from '@temporalio/common';

export interface RequestSummary {
  system: string;
  method: string;
  /** Path only: query strings can carry API keys, so they never enter a failure. */
  path: string;
}

/**
 * A 4xx (other than 408/429) the API will answer the same way however often we ask — or a 3xx: redirects
 * are never followed (see HttpClient), and asking again brings the same redirect. Not retried.
 */
export function apiRequestError(req: RequestSummary, status: number, apiMessage: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'ApiRequestError',
    message: `${req.system} ${req.method} ${req.path} → ${status}: ${apiMessage}`,
    nonRetryable: true,
    details: [{ ...req, status, apiMessage }],
  });
}

/**
 * Network errors, timeouts, 408 and 5xx: transient, retried with the system's backoff — or, when the API
 * said when to come back (a 503 with Retry-After), after exactly that delay.
 */
export function apiUnavailableError(
  req: RequestSummary,
  reason: string,
  status?: number,
  retryAfterMs?: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'ApiUnavailableError',
    message: `${req.system} ${req.method} ${req.path} → ${status ?? 'no response'}: ${reason}${retryIn(retryAfterMs)}`,
    nonRetryable: false,
    nextRetryDelay: retryAfterMs,
    details: [{ ...req, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }],
  });
}

/** 429: retried after the delay the API asked for (Retry-After or its reset header), not the backoff. */
export function apiRateLimitedError(
  req: RequestSummary,
  status: number,
  retryAfterMs: number | undefined,
  apiMessage?: string,
) {
  return ApplicationFailure.create({
    type: 'ApiRateLimitedError',
    message: `${req.system} ${req.method} ${req.path} → ${status}: rate limited${apiMessage ? ` (${apiMessage})` : ''}${retryIn(retryAfterMs)}`,
    nonRetryable: false,
    nextRetryDelay: retryAfterMs,
    details: [{ ...req, status, retryAfterMs }],
  });
}

const retryIn = (ms: number | undefined) => (ms !== undefined ? `, retry in ${ms} ms` : '');

/** The API answered 2xx with a body that breaks the connector's schema: a contract change, not retried. */
export function contractError(req: RequestSummary, issue: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'ContractError',
    message: `${req.system} ${req.method} ${req.path}: response does not match the expected shape: ${issue}`,
    nonRetryable: true,
    details: [req],
  });
}

/**
 * The API answered 2xx with a body larger than the client reads (the system's max response bytes): an
 * endless or runaway answer, never buffered whole. Asking again brings the same body; not retried.
 */
export function responseTooLargeError(
  req: RequestSummary,
  status: number,
  limitBytes: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'ResponseTooLargeError',
    message: `${req.system} ${req.method} ${req.path} → ${status}: response body over the ${limitBytes}-byte limit, cut off unread`,
    nonRetryable: true,
    details: [{ ...req, status, limitBytes }],
  });
}

/** Missing or invalid credentials/settings for a system: a human must fix config; not retried. */
export function configError(system: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'ConfigError',
    message: `${system}: ${message}`,
    nonRetryable: true,
  });
}

/**
 * The longest wait an API's own hint may impose. Past it the retry policy's backoff takes over again:
 * a `Retry-After: 86400` must not park an activity for a day.
 */
export const MAX_SERVER_RETRY_DELAY_MS = 15 * 60 * 1000;

/**
 * `Retry-After` as seconds or an HTTP date, else a rate-limit reset header (epoch seconds or seconds from
 * now, as APIs differ). Returns milliseconds, or undefined when the API gave no hint.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const capped = (ms: number) => Math.min(MAX_SERVER_RETRY_DELAY_MS, Math.max(0, Math.round(ms)));
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return capped(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return capped(date - now);
  }
  for (const name of ['x-ratelimit-reset', 'ratelimit-reset', 'x-rate-limit-reset']) {
    const value = Number(headers.get(name));
    if (!headers.get(name) || !Number.isFinite(value)) continue;
    // Epoch milliseconds, epoch seconds (GitHub, Zendesk style), or seconds from now.
    if (value > 1e12) return capped(value - now);
    return value > 1e9 ? capped(value * 1000 - now) : capped(value * 1000);
  }
  return undefined;
}

/** The Temporal activity timing a server retry hint must fit in (a subset of the SDK's activity Info). */
export interface ActivityDeadline {
  scheduledTimestampMs: number;
  scheduleToCloseTimeoutMs: number;
  startToCloseTimeoutMs: number;
}

/**
 * Shortens an API's retry hint to fit the activity's schedule-to-close deadline. The server never schedules
 * a retry past that deadline: a `nextRetryDelay` longer than the time left fails the activity at once,
 * so a long throttle (a Retry-After of 20 min against 10 min left) would fail instead of waiting. The
 * delay therefore ends early enough to leave one more attempt its start-to-close time (at most half of
 * what is left): the activity waits as long as its own budget allows, then tries again. Outside an
 * activity, with no schedule-to-close timeout, or with the deadline already passed, the hint is kept.
 */
export function retryDelayWithinDeadline(
  delayMs: number | undefined,
  activity: ActivityDeadline | undefined,
  now = Date.now(),
): number | undefined {
  if (delayMs === undefined || !activity?.scheduleToCloseTimeoutMs) return delayMs;
  const left = activity.scheduledTimestampMs + activity.scheduleToCloseTimeoutMs - now;
  if (left <= 0) return delayMs;
  const nextAttempt = Math.min(activity.startToCloseTimeoutMs || left / 2, left / 2);
  return Math.min(delayMs, Math.max(0, Math.floor(left - nextAttempt)));
}
