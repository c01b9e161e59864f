/** Builds the Express gateway without listening, so tests drive it directly. */
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { CATALOG, IntegrationDefinition } from '../integrations/catalog';
import type { Logger } from '../logger';
import { requireApiKey } from './auth';
import { codecRouter } from './codec';
import { errorHandler, methodNotAllowed, notFoundHandler } from './errors';
import { healthRouter } from './health';
import { catalogRouter, manualRunRouter } from './integrations';
import { createMetrics, GatewayMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { operationsRouter } from './operations';
import { requestLog } from './requestLog';
import { runsRouter } from './runs';
import { WEBHOOK_SOURCES, WebhookSourceDefinition } from '../systems/webhooks';
import { webhookRouter } from './webhooks';

export interface AppDeps {
  config: Config;
  client: Client;
  logger: Logger;
  catalog?: readonly IntegrationDefinition[];
  sources?: Record<string, WebhookSourceDefinition>;
  /** Defaults to a fresh registry per app (no process metrics), so tests never share counters. */
  metrics?: GatewayMetrics;
}

export function createApp(deps: AppDeps): express.Express {
  const catalog = deps.catalog ?? CATALOG;
  const sources = deps.sources ?? WEBHOOK_SOURCES;
  const metrics = deps.metrics ?? createMetrics();
  const all = { ...deps, catalog, sources, metrics };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLog(deps.logger, metrics));

  // Public: probes, webhooks (their signature is their auth), documentation, metrics.
  app.use(healthRouter(all));
  app.use(webhookRouter(all));
  app.use(catalogRouter(all));
  const openapi = openApiDocument(catalog, Object.keys(sources));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.all(['/openapi.json', '/metrics'], methodNotAllowed('GET'));

  // The Web UI's payload codec (only with PAYLOAD_CODEC_KEY); its own CORS and auth rules.
  app.use(codecRouter(deps.config));

  // Operations pages and stats: an API key (header or the sb_key cookie), or sandbox mode on loopback.
  app.use(operationsRouter(all));

  // Management: an API key.
  app.use(['/runs', '/integrations/:id/runs'], requireApiKey(deps.config));
  app.use(manualRunRouter(all));
  app.use(runsRouter(all));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
