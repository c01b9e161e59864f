/** Every gateway error is JSON `{ error: { code, message } }` with a stable code and the right status. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ZodError } from 'zod';
import { isTemporalUnavailable } from '../runtime/calls';
import { firstZodIssue } from '../systems/kit/zodIssue';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
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
 * was accepted); a run that already exists → 409; anything else is our bug → rethrown, logged, 500.
 */
export function temporalCallFailed(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  if (isTemporalUnavailable(err)) return temporalUnavailable();
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return conflict('run_exists', `a run with workflow id "${err.workflowId}" is already open`);
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
    } else {
      log.error({ err }, 'unhandled gateway error');
      e = new HttpError(500, 'internal_error', 'internal error');
    }
    // The request log line says which error the caller got.
    res.locals.log = { ...(res.locals.log as object | undefined), error: e.code };
    res
      .status(e.status)
      .set(e.headers)
      .json({ error: { code: e.code, message: e.message } });
  };
}
