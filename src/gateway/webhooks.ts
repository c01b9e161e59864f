/**
 * POST /webhooks/:source — raw body (size-limited) → the source's verifier → JSON parse → the source's
 * zod envelope → the integrations subscribed to each event → start/signal their runs → 202.
 * 2xx only once Temporal has durably accepted every run of the request; any failure before that is an
 * error the sender retries, and retries are harmless because workflow ids are deterministic.
 * Admission control: past WEBHOOK_MAX_STARTS_IN_FLIGHT starts in flight to Temporal, a webhook is answered
 * 503 + Retry-After at once, before its body is read, rather than queued behind the others until
 * Temporal's deadline: beyond what Temporal can start, queueing only turns every answer into a late 503.
 */
import express, { Request, Router } from 'express';
import type { Client } from '@temporalio/client';
import { ZodError } from 'zod';
import type { Config } from '../config';
import {
  CATALOG,
  InboundEvent,
  IntegrationDefinition,
  StartPlan,
  subscribersOf,
} from '../integrations/catalog';
import type { Logger } from '../logger';
import { startRun, StartedRun } from '../runtime/startRun';
import {
  badRequest,
  invalidInput,
  HttpError,
  methodNotAllowed,
  notFound,
  temporalCallFailed,
  unauthorized,
} from './errors';
import type { GatewayMetrics } from './metrics';
import { WEBHOOK_SOURCES, WebhookSourceDefinition } from '../systems/webhooks';
import { SignatureError } from '../systems/kit/hmac';
import { firstZodIssue } from '../systems/kit/zodIssue';
import type { SignedRequest } from '../systems/kit/hmac';

export interface WebhookDeps {
  config: Config;
  client: Client;
  logger: Logger;
  metrics: GatewayMetrics;
  catalog?: readonly IntegrationDefinition[];
  sources?: Record<string, WebhookSourceDefinition>;
}

/** Seconds a webhook refused for overload asks its sender to wait: the queue in front of it drains in less. */
export const OVERLOADED_RETRY_AFTER_S = 1;

const overloaded = (limit: number) =>
  new HttpError(
    503,
    'overloaded',
    `${limit} runs are already being started in Temporal; nothing was accepted, retry later`,
    { 'Retry-After': String(OVERLOADED_RETRY_AFTER_S) },
  );

/**
 * Counts the runs being started in Temporal. A request takes all of its runs' slots or none; a request
 * with more runs than the limit still goes when nothing else is in flight, so no delivery is refused forever.
 */
export class StartsInFlight {
  private count = 0;
  constructor(readonly limit: number) {}
  get inFlight(): number {
    return this.count;
  }
  get full(): boolean {
    return this.count >= this.limit;
  }
  tryAcquire(runs: number): boolean {
    if (runs === 0) return true;
    if (this.count > 0 && this.count + runs > this.limit) return false;
    this.count += runs;
    return true;
  }
  release(runs: number): void {
    this.count -= runs;
  }
}

export interface EventOutcome {
  eventId: string;
  eventType: string;
  status: 'accepted' | 'duplicate' | 'ignored';
  runs: StartedRun[];
}

interface PlannedRun {
  event: InboundEvent;
  integration: IntegrationDefinition;
  plan: StartPlan;
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

/** Every run the request's events ask for, planned before anything starts: a bad event starts nothing. */
function planRuns(events: InboundEvent[], catalog: readonly IntegrationDefinition[], config: Config) {
  return events.map((event) =>
    subscribersOf(event, catalog, config).map((integration): PlannedRun => {
      try {
        return { event, integration, plan: integration.planFor(event, config) };
      } catch (err) {
        // A schema the plan reads (GitHub's issues event) names the field it refused.
        const why = err instanceof ZodError ? firstZodIssue(err, 'payload') : (err as Error).message;
        throw badRequest('invalid_event', `${event.eventType} ${event.eventId}: ${why}`);
      }
    }),
  );
}

/**
 * Starts every planned run. Runs for different workflow ids go side by side; events for the same one
 * (several changes to one record in one batch) go one after another in the order they happened, so the
 * record's entity workflow receives them in order.
 */
async function startPlannedRuns(
  planned: PlannedRun[][],
  deps: WebhookDeps,
): Promise<Map<PlannedRun, StartedRun>> {
  const byWorkflowId = new Map<string, PlannedRun[]>();
  for (const run of planned.flat()) {
    const queue = byWorkflowId.get(run.plan.workflowId) ?? [];
    queue.push(run);
    byWorkflowId.set(run.plan.workflowId, queue);
  }
  const started = new Map<PlannedRun, StartedRun>();
  await Promise.all(
    [...byWorkflowId.values()].map(async (queue) => {
      queue.sort((a, b) => a.event.occurredAt - b.event.occurredAt);
      for (const run of queue) {
        started.set(
          run,
          await startRun(deps.client, deps.config.temporal.taskQueue, run.integration, run.plan, {
            source: run.event.source,
            eventType: run.event.eventType,
            eventId: run.event.eventId,
          }),
        );
      }
    }),
  );
  return started;
}

export function webhookRouter(deps: WebhookDeps): Router {
  const sources = deps.sources ?? WEBHOOK_SOURCES;
  const catalog = deps.catalog ?? CATALOG;
  const { metrics } = deps;
  const starts = new StartsInFlight(deps.config.webhookMaxStartsInFlight);
  const router = Router();

  router.post(
    '/webhooks/:source',
    (req, res, next) => {
      if (!Object.hasOwn(sources, req.params.source))
        throw notFound('unknown_source', `no webhook source "${req.params.source}"`);
      const secrets = (deps.config.webhookSecrets as Record<string, string[] | undefined>)[req.params.source];
      if (secrets?.length === 0)
        throw notFound(
          'source_not_configured',
          `webhook source "${req.params.source}" has no secrets configured`,
        );
      const source = req.params.source;
      res.locals.log = { source };
      res.on('finish', () => {
        const log = res.locals.log as { outcome?: string; error?: string };
        metrics.webhookRequests.inc({ source, outcome: log.outcome ?? log.error ?? String(res.statusCode) });
      });
      if (!req.is('application/json'))
        throw new HttpError(415, 'unsupported_media_type', 'webhooks must be application/json');
      // Refused before its body is read or verified: an overloaded gateway spends nothing on it.
      if (starts.full) throw overloaded(starts.limit);
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
        if (err instanceof SignatureError) {
          metrics.verificationFailures.inc({ source: source.name, reason: err.code });
          throw unauthorized(err.code, err.message);
        }
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
        throw invalidInput('invalid_payload', parsed.error, 'body');
      }
      const handshake = source.handshake?.(parsed.data);
      if (handshake !== undefined) {
        res.locals.log = { source: source.name, outcome: 'handshake' };
        res.status(200).json(handshake);
        return;
      }
      const events = source.toEvents(parsed.data, signed);
      const planned = planRuns(events, catalog, deps.config);
      const runCount = planned.reduce((n, runs) => n + runs.length, 0);
      // Others may have taken the last slots while this body was read and verified.
      if (!starts.tryAcquire(runCount)) throw overloaded(starts.limit);
      let started: Map<PlannedRun, StartedRun>;
      try {
        started = await startPlannedRuns(planned, deps);
      } catch (err) {
        deps.logger.warn(
          { source: source.name, err: (err as Error).message },
          'webhook not accepted: Temporal call failed',
        );
        throw temporalCallFailed(err);
      } finally {
        starts.release(runCount);
      }
      const outcomes: EventOutcome[] = events.map((event, i) => {
        const runs = planned[i].map((run) => started.get(run)!);
        const status =
          runs.length === 0 ? 'ignored' : runs.every((r) => r.duplicate) ? 'duplicate' : 'accepted';
        return { eventId: event.eventId, eventType: event.eventType, status, runs };
      });
      const runs = outcomes.flatMap((o) => o.runs);
      for (const run of runs) {
        if (run.duplicate) metrics.duplicates.inc({ integration: run.integration });
        else metrics.runsStarted.inc({ integration: run.integration, trigger: 'webhook' });
      }
      for (const o of outcomes)
        if (o.status === 'ignored') metrics.eventsIgnored.inc({ source: source.name });
      const duplicate = runs.length > 0 && runs.every((r) => r.duplicate);
      const outcome = runs.length === 0 ? 'ignored' : duplicate ? 'duplicate' : 'accepted';
      res.locals.log = {
        source: source.name,
        outcome,
        events: outcomes.map((o) => ({ id: o.eventId, type: o.eventType, status: o.status })),
        workflowIds: runs.map((r) => r.workflowId),
      };
      res.status(202).json({ accepted: true, duplicate, events: outcomes });
    },
  );
  router.all('/webhooks/:source', methodNotAllowed('POST'));
  return router;
}
