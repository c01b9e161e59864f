/** GET /openapi.json: the gateway's API, generated from the same zod schemas the handlers use. */
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import type { SchemaObject } from 'openapi3-ts/oas30';
import { z } from 'zod';
import type { IntegrationDefinition } from '../integrations/catalog';
import {
  bulkRunRequestSchema,
  bulkRunResultSchema,
  errorSchema,
  integrationStatsSchema,
  integrationViewSchema,
  runListQuerySchema,
  runListSchema,
  runViewSchema,
  startedRunSchema,
  webhookAcceptedSchema,
} from './schemas';

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The manual-start body as an OpenAPI 3.0 schema (the catalog's zod schema, converted). */
function inputSchemaOf(integration: IntegrationDefinition): SchemaObject {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(integration.manualInput!, {
    target: 'openapi-3.0',
    io: 'input',
  });
  return schema as SchemaObject;
}

export function openApiDocument(catalog: readonly IntegrationDefinition[], sources: string[]) {
  const registry = new OpenAPIRegistry();
  const Error = registry.register('Error', errorSchema);
  const RunView = registry.register('RunView', runViewSchema);
  const RunList = registry.register('RunList', runListSchema);
  const Integration = registry.register('Integration', integrationViewSchema);
  const WebhookAccepted = registry.register('WebhookAccepted', webhookAcceptedSchema);
  const StartedRun = registry.register('StartedRun', startedRunSchema);
  const IntegrationStats = registry.register('IntegrationStats', integrationStatsSchema);
  const BulkRunRequest = registry.register('BulkRunRequest', bulkRunRequestSchema);
  const BulkRunResult = registry.register('BulkRunResult', bulkRunResultSchema);
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A key from API_KEYS (full) or API_READ_KEYS (GET only)',
  });
  const secured = [{ [bearer.name]: [] }];
  const errors = {
    400: json(Error, 'Bad input'),
    401: json(Error, 'Missing or invalid API key / signature'),
    503: json(Error, 'Temporal unreachable; retry after Retry-After seconds'),
  };
  const workflowId = z.object({
    workflowId: z
      .string()
      .describe('The run’s workflow id, e.g. contact-sync/hubspot/contact-101 (slashes allowed)'),
  });

  registry.registerPath({
    method: 'post',
    path: '/webhooks/{source}',
    summary: 'Receive a signed webhook',
    description: `Verifies the sender's signature over the raw body, then starts or signals a run for every subscribed integration. Sources: ${sources.join(', ')}.`,
    request: {
      params: z.object({ source: z.enum(sources as [string, ...string[]]) }),
      body: { content: { 'application/json': { schema: z.unknown() } } },
    },
    responses: {
      200: json(z.object({ challenge: z.string() }), 'A handshake (Slack url_verification)'),
      202: json(WebhookAccepted, 'Every run durably accepted by Temporal (or the event ignored)'),
      ...errors,
      404: json(Error, 'Unknown source'),
      413: json(Error, 'Body over the limit'),
      415: json(Error, 'Not JSON'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/runs',
    summary: 'List runs',
    security: secured,
    request: { query: runListQuerySchema },
    responses: { 200: json(RunList, 'A page of runs, newest first'), ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/runs/{workflowId}',
    summary: 'Describe a run: status, progress, pending activities with attempts, result or failure',
    security: secured,
    request: { params: workflowId },
    responses: { 200: json(RunView, 'The run'), ...errors, 404: json(Error, 'No such run') },
  });
  for (const [action, summary] of [
    [
      'rerun',
      'Re-run every failed, timed-out, terminated or cancelled run a visibility query matches (same input, current code)',
    ],
    ['cancel', 'Cancel every running run a visibility query matches'],
  ] as const) {
    registry.registerPath({
      method: 'post',
      path: `/runs/${action}`,
      summary,
      description:
        'Each matching workflow id (once, up to `limit`) goes through the single-run route: a run that route would refuse (running or completed for a re-run, closed for a cancel) is refused here too, with its reason. `dryRun: true` lists what would be done and does nothing. A query Temporal refuses is a 400 quoting its message.',
      security: secured,
      request: { body: { content: { 'application/json': { schema: BulkRunRequest } } } },
      responses: {
        200: json(BulkRunResult, 'What was done (or would be), run by run'),
        ...errors,
        403: json(Error, 'A read-only key'),
        415: json(Error, 'Not JSON'),
      },
    });
  }
  for (const [action, summary, conflict] of [
    ['cancel', 'Cancel a running run', 'The run is not running'],
    ['rerun', 'Start a new run with the same input as a failed one', 'The run did not fail'],
  ] as const) {
    registry.registerPath({
      method: 'post',
      path: `/runs/{workflowId}/${action}`,
      summary,
      security: secured,
      request: { params: workflowId },
      responses: {
        202: json(z.object({ workflowId: z.string(), runId: z.string() }).loose(), 'Accepted'),
        ...errors,
        403: json(Error, 'A read-only key'),
        404: json(Error, 'No such run'),
        409: json(Error, conflict),
      },
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/integrations',
    summary: 'The catalog: triggers, systems, direction, frequency and field maps of every integration',
    responses: { 200: json(z.object({ integrations: z.array(Integration) }), 'The catalog') },
  });
  registry.registerPath({
    method: 'get',
    path: '/integrations/{id}/stats',
    summary:
      "An integration's health over the last 24 h, from Temporal visibility (as on the operations page, GET /)",
    security: secured,
    request: {
      params: z.object({
        id: catalog.length ? z.enum(catalog.map((i) => i.id) as [string, ...string[]]) : z.string(),
      }),
    },
    responses: {
      200: json(IntegrationStats, 'Counts, last success, last failure with its message'),
      ...errors,
      404: json(Error, 'No such integration'),
    },
  });
  for (const integration of catalog.filter((i) => i.manualInput)) {
    registry.registerPath({
      method: 'post',
      path: `/integrations/${integration.id}/runs`,
      summary: `Start ${integration.id} by hand`,
      security: secured,
      request: { body: { content: { 'application/json': { schema: inputSchemaOf(integration) } } } },
      responses: {
        202: json(StartedRun, 'Started (or duplicate: true when that run exists)'),
        ...errors,
        403: json(Error, 'A read-only key'),
        ...(integration.triggers.schedule?.exclusive
          ? {
              409: json(
                Error,
                'A run is open (scheduled or by hand): run_exists, with its workflowId and runId',
              ),
            }
          : {}),
      },
    });
  }
  for (const path of ['/healthz', '/readyz']) {
    registry.registerPath({
      method: 'get',
      path,
      summary: path === '/healthz' ? 'Liveness' : 'Readiness: Temporal answers',
      responses: { 200: json(z.object({ ok: z.boolean() }).loose(), 'OK'), 503: json(Error, 'Not ready') },
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: {
      200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
    },
  });

  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Switchboard gateway',
      version: '0.1.0',
      description: 'Webhooks in, durable integration runs out, and the API to watch and steer them.',
    },
  });
}
