/**
 * The catalog, read by people and machines: GET /integrations (JSON), GET /integrations.html (the living
 * integration map: what flows, which direction, how often, field by field), and
 * POST /integrations/:id/runs to start a run by hand with the integration's zod-checked input.
 */
import express, { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../config';
import { CATALOG, IntegrationDefinition, settingsOf } from '../integrations/catalog';
import { startExclusiveRun, startRun } from '../runtime/startRun';
import {
  badRequest,
  invalidInput,
  HttpError,
  methodNotAllowed,
  notFound,
  temporalCallFailed,
} from './errors';
import type { GatewayMetrics } from './metrics';

export interface IntegrationView {
  id: string;
  title: string;
  description: string;
  workflow: string;
  direction: IntegrationDefinition['direction'];
  frequency: string;
  from: IntegrationDefinition['from'];
  to: IntegrationDefinition['to'];
  triggers: {
    webhooks: IntegrationDefinition['triggers']['webhooks'];
    schedule?: { description: string };
    manual?: boolean;
  };
  fieldMaps: IntegrationDefinition['fieldMaps'];
  /** Its own settings (src/integrations/<id>/settings.ts): this is where they are documented. */
  settings: { env: string; default?: string; required: boolean; description: string }[];
  /** JSON Schema of POST /integrations/:id/runs, when the integration can be started by hand. */
  manualInput?: unknown;
}

export function integrationView(i: IntegrationDefinition): IntegrationView {
  return {
    id: i.id,
    title: i.title,
    description: i.description,
    workflow: i.workflow.name,
    direction: i.direction,
    frequency: i.frequency,
    from: i.from,
    to: i.to,
    triggers: {
      webhooks: i.triggers.webhooks,
      ...(i.triggers.schedule && { schedule: { description: i.triggers.schedule.description } }),
      ...(i.triggers.manual !== undefined && { manual: i.triggers.manual }),
    },
    fieldMaps: i.fieldMaps,
    settings: settingsOf(i.id).map((s) => ({
      env: s.env,
      ...(s.default !== undefined && { default: s.default }),
      required: s.required && s.default === undefined,
      description: s.description,
    })),
    manualInput: i.manualInput && z.toJSONSchema(i.manualInput, { io: 'input' }),
  };
}

export const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function integrationsHtml(
  catalog: readonly IntegrationDefinition[],
  webUiUrl: string,
  namespace: string,
): string {
  const section = (i: IntegrationDefinition) => {
    const triggers = [
      ...i.triggers.webhooks.map(
        (w) =>
          `webhook <code>${escape(w.source)}</code>: ${w.eventTypes.map((t) => `<code>${escape(t)}</code>`).join(', ')}`,
      ),
      ...(i.triggers.schedule ? [`schedule: ${escape(i.triggers.schedule.description)}`] : []),
      ...(i.manualInput ? [`by hand: <code>POST /integrations/${escape(i.id)}/runs</code>`] : []),
    ];
    const maps = Object.entries(i.fieldMaps)
      .map(
        ([name, rules]) =>
          `<h4>${escape(name)}</h4><table><tr><th>from</th><th>to</th><th>transform</th><th>default</th></tr>${rules
            .map(
              (r) =>
                `<tr><td><code>${escape(r.from)}</code></td><td><code>${escape(r.to)}</code></td><td>${escape(r.transform ?? '')}</td><td>${escape(r.default === undefined ? '' : String(r.default))}</td></tr>`,
            )
            .join('')}</table>`,
      )
      .join('');
    const settings = integrationView(i).settings;
    const settingsTable =
      settings.length === 0
        ? ''
        : `<h4>settings</h4><table><tr><th>variable</th><th>default</th><th>meaning</th></tr>${settings
            .map(
              (st) =>
                `<tr><td><code>${escape(st.env)}</code></td><td>${st.default === undefined ? (st.required ? 'required' : '') : `<code>${escape(st.default)}</code>`}</td><td>${escape(st.description)}</td></tr>`,
            )
            .join('')}</table>`;
    const runsUrl = `${webUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(`Integration="${i.id}"`)}`;
    return `<section id="${escape(i.id)}">
<h2>${escape(i.id)} <small>${escape(i.title)}</small></h2>
<p>${escape(i.description)}</p>
<p><b>${escape(i.from.system)}</b> (${escape(i.from.records)}) → ${i.to.map((t) => `<b>${escape(t.system)}</b> (${escape(t.records)})`).join(', ')} · ${escape(i.direction)} · ${escape(i.frequency)}</p>
<ul>${triggers.map((t) => `<li>${t}</li>`).join('')}</ul>
${maps}
${settingsTable}
<p><a href="${escape(runsUrl)}">runs in the Temporal Web UI</a></p>
</section>`;
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard integrations</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}small{color:#666;font-weight:normal}section{border-top:1px solid #ddd;margin-top:2em}</style>
</head><body>
<h1>Switchboard integrations</h1>
<p>${catalog.length} integrations: what flows, from where to where, how often, and field by field. JSON: <a href="/integrations">/integrations</a>.</p>
${catalog.map(section).join('\n')}
</body></html>`;
}

export interface IntegrationsDeps {
  client: Client;
  config: Config;
  metrics: GatewayMetrics;
  catalog?: readonly IntegrationDefinition[];
}

/** Read-only catalog routes: documentation, served without an API key. */
export function catalogRouter(deps: IntegrationsDeps): Router {
  const catalog = deps.catalog ?? CATALOG;
  const router = Router();
  router.get('/integrations', (_req, res) => {
    res.json({ integrations: catalog.map(integrationView) });
  });
  router.get('/integrations.html', (_req, res) => {
    res
      .type('html')
      .send(integrationsHtml(catalog, deps.config.temporal.webUiUrl, deps.config.temporal.namespace));
  });
  router.get('/integrations/:id', (req, res) => {
    const integration = catalog.find((i) => i.id === req.params.id);
    if (!integration) throw notFound('unknown_integration', `no integration "${req.params.id}"`);
    res.json(integrationView(integration));
  });
  router.all(['/integrations', '/integrations.html', '/integrations/:id'], methodNotAllowed('GET'));
  return router;
}

/** POST /integrations/:id/runs: a run started by hand, with the integration's own input schema. */
export function manualRunRouter(deps: IntegrationsDeps): Router {
  const catalog = deps.catalog ?? CATALOG;
  const router = Router();
  router.post(
    '/integrations/:id/runs',
    (req, _res, next) => {
      if (!catalog.some((i) => i.id === req.params.id))
        throw notFound('unknown_integration', `no integration "${req.params.id}"`);
      if (req.get('content-length') !== '0' && req.headers['content-type'] && !req.is('application/json'))
        throw new HttpError(415, 'unsupported_media_type', 'the body must be application/json');
      next();
    },
    express.json({ limit: '64kb' }),
    async (req, res) => {
      const integration = catalog.find((i) => i.id === req.params.id)!;
      if (!integration.manualInput || !integration.planManual)
        throw badRequest('manual_start_unsupported', `${integration.id} runs only from its triggers`);
      const parsed = integration.manualInput.safeParse(req.body ?? {});
      if (!parsed.success) {
        throw invalidInput('invalid_input', parsed.error, 'body');
      }
      const plan = integration.planManual(parsed.data, deps.config);
      let run;
      try {
        // A run that must not overlap another goes through its schedule (see startExclusiveRun).
        const start = integration.triggers.schedule?.exclusive ? startExclusiveRun : startRun;
        run = await start(deps.client, deps.config.temporal.taskQueue, integration, plan, {
          source: 'manual',
          eventType: 'manual',
        });
      } catch (err) {
        throw temporalCallFailed(err);
      }
      if (run.duplicate) deps.metrics.duplicates.inc({ integration: integration.id });
      else deps.metrics.runsStarted.inc({ integration: integration.id, trigger: 'manual' });
      res.locals.log = {
        integration: integration.id,
        workflowIds: [run.workflowId],
        outcome: run.duplicate ? 'duplicate' : 'started',
      };
      res.status(202).json(run);
    },
  );
  router.all('/integrations/:id/runs', methodNotAllowed('POST'));
  return router;
}
