/**
 * What a sandbox system received, for tests and the demo to read (`GET /_sandbox/:system/requests`).
 * Authorization headers are recorded as present/absent only.
 */
import type { RequestHandler } from 'express';

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  idempotencyKey?: string;
  authorized: boolean;
  status?: number;
  body?: unknown;
}

export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];

  middleware(): RequestHandler {
    return (req, res, next) => {
      const entry: RecordedRequest = {
        at: Date.now(),
        method: req.method,
        path: req.path,
        query: { ...req.query },
        idempotencyKey: req.get('idempotency-key'),
        authorized: Boolean(req.get('authorization') || req.get('x-shopify-access-token')),
        body: req.body,
      };
      this.requests.push(entry);
      if (this.requests.length > 50_000) this.requests.splice(0, 10_000);
      res.on('finish', () => (entry.status = res.statusCode));
      next();
    };
  }

  clear(): void {
    this.requests.length = 0;
  }
}
