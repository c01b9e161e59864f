/**
 * One structured log line per request, written when the response is finished: method, route, status,
 * duration, plus what the handler put in `res.locals.log` (source, event types, workflow ids, outcome).
 * Never the body, a header, a signature or the query string (which could carry a token).
 */
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import type { GatewayMetrics } from './metrics';

export function requestLog(logger: Logger, metrics: GatewayMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The matched route pattern, not the path: label values stay few (no workflow ids in labels).
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      metrics.requestDuration.observe(
        { method: req.method, route: String(route), status: String(res.statusCode) },
        seconds,
      );
      const level = res.statusCode >= 500 ? 'warn' : 'info';
      logger[level](
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000),
          ...(res.locals.log as object | undefined),
        },
        'request',
      );
    });
    next();
  };
}
