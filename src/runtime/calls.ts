/**
 * Temporal calls from the gateway: one deadline for all of them (a sender is better told 503 than kept
 * waiting), and one answer to "is Temporal unreachable, or did the call fail for another reason?", so
 * an outage is a 503 the sender retries while a bug is a 500 that gets logged, never the other way round.
 */
import type { Client } from '@temporalio/client';

export const TEMPORAL_CALL_DEADLINE_MS = 5_000;

export function withTemporalDeadline<T>(
  client: Client,
  fn: () => Promise<T>,
  ms = TEMPORAL_CALL_DEADLINE_MS,
): Promise<T> {
  return client.withDeadline(Date.now() + ms, fn);
}

/** gRPC codes that mean the server is away or overloaded: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const UNAVAILABLE_CODES = new Set([1, 4, 8, 14]);

type ErrorLike = { code?: unknown; name?: string; message?: string; cause?: unknown };

export function isTemporalUnavailable(err: unknown): boolean {
  // The SDK wraps the gRPC error (ServiceError → cause); the connection's own errors carry no code.
  let e = err as ErrorLike | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as ErrorLike | undefined) {
    if (typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (e.name === 'TransportError') return true;
    if (/ECONNREFUSED|ECONNRESET|failed to connect|deadline/i.test(e.message ?? '')) return true;
  }
  return false;
}

/** The gRPC status code of a failed call (3 INVALID_ARGUMENT, 12 UNIMPLEMENTED…), through the SDK's wrapping. */
export function grpcCodeOf(err: unknown): number | undefined {
  let e = err as ErrorLike | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as ErrorLike | undefined) {
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

/** The server's own words for a refused call: the gRPC details, without the "3 INVALID_ARGUMENT:" prefix. */
export function temporalMessageOf(err: unknown): string {
  let e = err as (ErrorLike & { details?: unknown }) | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (typeof e.details === 'string' && e.details) return e.details;
  }
  return (err as Error)?.message ?? String(err);
}
