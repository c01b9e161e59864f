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

/**
 * The part of a start or signalWithStart that Temporal refused because of the caller's data, or undefined
 * when the failure is anything else. Measured on the dev server (CLI 1.9.1, server 1.32): a workflow id over
 * 1,000 UTF-8 bytes, a keyword search attribute over 2 KiB and an input over the blob size limit are
 * INVALID_ARGUMENT; a string that is not valid UTF-8 (a lone surrogate) is INTERNAL "invalid UTF-8". Every
 * other INVALID_ARGUMENT (a search attribute the namespace does not define, a task queue name) is this
 * deployment's configuration, not the request: it is left a 500, so the sender keeps retrying until an
 * operator fixes it, instead of a 400 after which the event is dropped for good.
 */
export function refusedWorkflowInputOf(err: unknown): { field: string; reason: string } | undefined {
  const code = grpcCodeOf(err);
  const reason = temporalMessageOf(err);
  // Payloads (arguments, search attributes, summaries) are encoded bytes; the id is the string field we fill.
  if (code === 13 && /invalid UTF-8/i.test(reason)) return { field: 'workflowId', reason };
  if (code !== 3) return undefined;
  if (/^WorkflowId /i.test(reason)) return { field: 'workflowId', reason };
  const attribute = /^search attribute (\S+) value size/i.exec(reason);
  if (attribute) return { field: `searchAttributes.${attribute[1]}`, reason };
  if (/(total size|number) of search attributes/i.test(reason)) return { field: 'searchAttributes', reason };
  if (/^Blob data size exceeds limit/i.test(reason)) return { field: 'input', reason };
  return undefined;
}
