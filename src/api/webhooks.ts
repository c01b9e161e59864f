/**
 * POST /webhooks/:source — raw body (size-limited) → the source's verifier → JSON parse → the source's
 * zod envelope → the integrations subscribed to each event → start/signal their runs → 202.
 * 2xx only once Temporal has durably accepted every run of the request; any failure before that is an
 * error the sender retries, and retries are harmless because workflow ids are deterministic.
 */
import express, { Request, Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { CATALOG, IntegrationDefinition, subscribersOf } from '../integrations';
import type { Logger } from '../logger';
import { startRun, StartedRun } from '../temporal/startRun';
import { badRequest, HttpError, notFound, temporalUnavailable, unauthorized } from './errors';
import { WEBHOOK_SOURCES, WebhookSourceDefinition } from './sources';
import { SignatureError } from './verify/hmac';
import type { SignedRequest } from './verify/hubspot';

export interface WebhookDeps {
  config: Config;
  client: Client;
  logger: Logger;
  catalog?: readonly IntegrationDefinition[];
  sources?: Record<string, WebhookSourceDefinition>;
}

export interface EventOutcome {
  eventId: string;
  eventType: string;
  status: 'accepted' | 'duplicate' | 'ignored';
  runs: StartedRun[];
}

export function signedRequestOf(req: Request, config: Config): SignedRequest {
  const origin = config.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`;
  return {
    method: req.method,
    url: origin + req.originalUrl,
    headers: req.headers,
    rawBody: req.body as Buffer,
  };
}

export function webhookRouter(deps: WebhookDeps): Router {
  const sources = deps.sources ?? WEBHOOK_SOURCES;
  const catalog = deps.catalog ?? CATALOG;
  const router = Router();

  router.post(
    '/webhooks/:source',
    (req, _res, next) => {
      if (!Object.hasOwn(sources, req.params.source))
        throw notFound('unknown_source', `no webhook source "${req.params.source}"`);
      if (!req.is('application/json'))
        throw new HttpError(415, 'unsupported_media_type', 'webhooks must be application/json');
      next();
    },
    express.raw({ type: () => true, limit: deps.config.webhookBodyLimitBytes }),
    async (req, res) => {
      const source = sources[req.params.source];
      const signed = signedRequestOf(req, deps.config);
      if (!Buffer.isBuffer(req.body)) signed.rawBody = Buffer.alloc(0);
      try {
        source.verify(signed, deps.config);
      } catch (err) {
        if (err instanceof SignatureError) throw unauthorized(err.code, err.message);
        throw err;
      }
      let json: unknown;
      try {
        json = JSON.parse(signed.rawBody.toString('utf8'));
      } catch {
        throw badRequest('invalid_json', 'body is not valid JSON');
      }
      const parsed = source.envelope.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badRequest(
          'invalid_payload',
          `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
        );
      }
      const handshake = source.handshake?.(parsed.data);
      if (handshake !== undefined) {
        res.status(200).json(handshake);
        return;
      }
      const events = source.toEvents(parsed.data, signed);
      let outcomes: EventOutcome[];
      try {
        outcomes = await Promise.all(
          events.map(async (event): Promise<EventOutcome> => {
            const subscribers = subscribersOf(event, catalog);
            const runs = await Promise.all(
              subscribers.map((integration) =>
                startRun(
                  deps.client,
                  deps.config.temporal.taskQueue,
                  integration,
                  integration.planFor(event, deps.config),
                  {
                    source: event.source,
                    eventType: event.eventType,
                  },
                ),
              ),
            );
            const status =
              runs.length === 0 ? 'ignored' : runs.every((r) => r.duplicate) ? 'duplicate' : 'accepted';
            return { eventId: event.eventId, eventType: event.eventType, status, runs };
          }),
        );
      } catch (err) {
        deps.logger.warn(
          { source: source.name, err: (err as Error).message },
          'webhook not accepted: Temporal call failed',
        );
        throw temporalUnavailable();
      }
      const runs = outcomes.flatMap((o) => o.runs);
      deps.logger.info(
        {
          source: source.name,
          events: outcomes.map((o) => ({ id: o.eventId, type: o.eventType, status: o.status })),
          workflowIds: runs.map((r) => r.workflowId),
        },
        'webhook accepted',
      );
      res.status(202).json({
        accepted: true,
        duplicate: runs.length > 0 && runs.every((r) => r.duplicate),
        events: outcomes,
      });
    },
  );
  return router;
}
