/** Every gateway error is JSON `{ error: { code, message } }` with a stable code and the right status. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ZodError } from 'zod';
import { isTemporalUnavailable, refusedWorkflowInputOf } from '../runtime/calls';
import { PayloadUndecryptableError } from '../runtime/dataConverter';
import { RunExistsError } from '../runtime/startRun';
import { firstZodIssue } from '../systems/kit/zodIssue';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** More fields of the error body, e.g. the ids of the run a 409 is about. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);

/** A 400 naming the first field zod refused ("contactId: a HubSpot contact id (digits)"). */
export function invalidInput(code: string, error: ZodError, where: string): HttpError {
  return badRequest(code, firstZodIssue(error, where));
}
export const unauthorized = (code: string, message: string) => new HttpError(401, code, message);
export const notFound = (code: string, message: string) => new HttpError(404, code, message);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);

/** A known path asked with a method it does not serve: 405 with the methods it does. */
export const methodNotAllowed =
  (...allowed: string[]): RequestHandler =>
  (req) => {
    throw new HttpError(
      405,
      'method_not_allowed',
      `${req.method} is not allowed here; use ${allowed.join(', ')}`,
      {
        Allow: allowed.join(', '),
      },
    );
  };
export const temporalUnavailable = (retryAfterSeconds = 5) =>
  new HttpError(
    503,
    'temporal_unavailable',
    'the workflow engine is unreachable; nothing was accepted, retry later',
    {
      'Retry-After': String(retryAfterSeconds),
    },
  );

/**
 * What a failed Temporal call means to the caller: unreachable → 503 + Retry-After (retry later, nothing
 * was accepted); a run that already exists → 409; a value Temporal refuses as the caller's (a too-long
 * workflow id) → 400 invalid_workflow_input; anything else is our bug or configuration → rethrown, logged, 500.
 */
/** A payload Temporal stores that no key of PAYLOAD_CODEC_KEY opens: not the caller's input, a 500. */
const undecodablePayload = (err: PayloadUndecryptableError) =>
  new HttpError(500, 'undecodable_payload', err.message);

export function temporalCallFailed(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof PayloadUndecryptableError) return undecodablePayload(err);
  if (isTemporalUnavailable(err)) return temporalUnavailable();
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return conflict('run_exists', `a run with workflow id "${err.workflowId}" is already open`);
  if (err instanceof RunExistsError)
    return new HttpError(
      409,
      'run_exists',
      err.message,
      {},
      { workflowId: err.workflowId, runId: err.runId },
    );
  // A value of the request Temporal refuses (a workflow id over its length limit…): a retry would be refused
  // the same way, so it is a 400 naming the value, not a 500 the sender retries for days.
  const refused = refusedWorkflowInputOf(err);
  if (refused) return badRequest('invalid_workflow_input', `${refused.field}: ${refused.reason}`);
  return err;
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(notFound('route_not_found', `no route for ${req.method} ${req.path}`));

export function errorHandler(log: { error: (obj: object, msg: string) => void }): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err?.type === 'entity.too.large')
      e = new HttpError(413, 'payload_too_large', `body exceeds ${err.limit} bytes`);
    else if (err?.type === 'entity.parse.failed') e = badRequest('invalid_json', 'body is not valid JSON');
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      e = new HttpError(err.status, 'bad_request', String(err.message ?? 'bad request'));
    } else if (err instanceof PayloadUndecryptableError) {
      // What Temporal stores, not the caller's input: the ring lacks the key that sealed it.
      log.error({ err }, 'a stored payload no key of PAYLOAD_CODEC_KEY opens');
      e = undecodablePayload(err);
    } else {
      log.error({ err }, 'unhandled gateway error');
      e = new HttpError(500, 'internal_error', 'internal error');
    }
    // The request log line says which error the caller got.
    res.locals.log = { ...(res.locals.log as object | undefined), error: e.code };
    res
      .status(e.status)
      .set(e.headers)
      .json({ error: { ...e.details, code: e.code, message: e.message } });
  };
}
