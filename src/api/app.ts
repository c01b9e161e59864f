/** Builds the Express gateway without listening, so tests drive it directly. */
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { IntegrationDefinition } from '../integrations';
import type { Logger } from '../logger';
import { errorHandler, notFoundHandler } from './errors';
import { healthRouter } from './health';
import { runsRouter } from './runs';
import type { WebhookSourceDefinition } from './sources';
import { webhookRouter } from './webhooks';

export interface AppDeps {
  config: Config;
  client: Client;
  logger: Logger;
  catalog?: readonly IntegrationDefinition[];
  sources?: Record<string, WebhookSourceDefinition>;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(healthRouter(deps));
  app.use(webhookRouter(deps));
  app.use(runsRouter(deps));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
