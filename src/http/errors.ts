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

/** A 4xx (other than 408/429) the API will answer the same way however often we ask. Not retried. */
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

/** Missing or invalid credentials/settings for a system: a human must fix config; not retried. */
export function configError(system: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'ConfigError',
    message: `${system}: ${message}`,
    nonRetryable: true,
  });
}

/**
 * `Retry-After` as seconds or an HTTP date, else a rate-limit reset header (epoch seconds or seconds from
 * now, as APIs differ). Returns milliseconds, or undefined when the API gave no hint.
 */
/**
 * The longest wait an API's own hint may impose. Past it the retry policy's backoff takes over again:
 * a `Retry-After: 86400` must not park an activity for a day.
 */
export const MAX_SERVER_RETRY_DELAY_MS = 15 * 60 * 1000;

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
