/**
 * Prometheus metrics of one gateway (GET /metrics). A registry per app, so tests and several apps in one
 * process never share counters.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  webhookRequests: Counter<'source' | 'outcome'>;
  verificationFailures: Counter<'source' | 'reason'>;
  runsStarted: Counter<'integration' | 'trigger'>;
  duplicates: Counter<'integration'>;
  eventsIgnored: Counter<'source'>;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
}

export function createMetrics(opts: { processMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const registers = [registry];
  return {
    registry,
    webhookRequests: new Counter({
      name: 'switchboard_webhook_requests_total',
      help: 'Webhook requests by source and outcome (accepted, duplicate, ignored, or the error code)',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    verificationFailures: new Counter({
      name: 'switchboard_webhook_verification_failures_total',
      help: 'Webhook requests rejected by signature verification',
      labelNames: ['source', 'reason'],
      registers,
    }),
    runsStarted: new Counter({
      name: 'switchboard_runs_started_total',
      help: 'Runs started or signalled, by integration and trigger (webhook, manual, rerun)',
      labelNames: ['integration', 'trigger'],
      registers,
    }),
    duplicates: new Counter({
      name: 'switchboard_webhook_duplicates_total',
      help: 'Deliveries that matched an existing run (sender retries, concurrent redeliveries)',
      labelNames: ['integration'],
      registers,
    }),
    eventsIgnored: new Counter({
      name: 'switchboard_webhook_events_ignored_total',
      help: 'Verified events no integration subscribes to',
      labelNames: ['source'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'switchboard_http_request_duration_seconds',
      help: 'Gateway request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}
