/**
 * The operations pages: `GET /` (every integration's health over the last 24 h, one row each) and
 * `GET /integrations/:id/runs.html` (its recent runs, paged, each with its progress stage), plain
 * server-rendered HTML that refreshes itself and needs no JavaScript; `GET /integrations/:id/stats`, the
 * same figures as JSON; and `/login`, which stores a key in the `sb_key` cookie for browsers.
 *
 * Access follows the runs API: an API key (a read key is enough) in the Authorization header or the
 * cookie. The pages alone are also open without a key in sandbox mode to a browser on this machine.
 */
import express, { Request, Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { CATALOG, IntegrationDefinition } from '../integrations/catalog';
import { progressQuery, RunProgress } from '../integrations/kit/progress';
import { withTemporalDeadline as withDeadline } from '../runtime/calls';
import { runUrl } from '../systems/alerts/api';
import { accessOf, KEY_COOKIE, presentedKey, requireApiKey } from './auth';
import { badRequest, HttpError, methodNotAllowed, notFound, temporalCallFailed } from './errors';
import { escape } from './integrations';
import { failureOf, listRuns } from './runs';
import { IntegrationStats, runListQuerySchema, RunSummary } from './schemas';
import { DURATION_SAMPLE, failureLine, integrationStats } from './stats';

export interface OperationsDeps {
  client: Client;
  config: Config;
  catalog?: readonly IntegrationDefinition[];
}

export const REFRESH_SECONDS = 15;
/** How long the runs page waits for a running run's `progress` answer before showing it without one. */
export const PROGRESS_DEADLINE_MS = 1500;
const RUNS_PER_PAGE = 20;
const COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Both the peer and the client it speaks for (X-Forwarded-For from a loopback proxy) are this machine. */
function fromLoopback(req: Request): boolean {
  return LOOPBACK.test(req.socket.remoteAddress ?? '') && LOOPBACK.test(req.ip ?? '');
}

type PageAccess = { via: 'header' | 'cookie' | 'sandbox' } | { denied: string };

/** Who may see a page: a valid key (header, or the cookie), else sandbox mode on loopback. */
function pageAccess(req: Request, config: Config): PageAccess {
  const presented = presentedKey(req);
  if (presented && accessOf(presented.key, config)) return { via: presented.via };
  if (config.sandbox.enabled && fromLoopback(req)) return { via: 'sandbox' };
  if (!presented) return { denied: 'This page needs an API key (a read key is enough).' };
  return {
    denied:
      presented.via === 'cookie'
        ? `The key in your ${KEY_COOKIE} cookie is not valid (any more): sign in again.`
        : 'The API key is not valid.',
  };
}

// ---------------------------------------------------------------------------------------------------
// Formatting

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1280px;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}small,.meta{color:#666}
tr.failing td.failed{background:#fde8e8;font-weight:bold}.failure{color:#a00;max-width:34em;overflow-wrap:anywhere}
.status-failed,.status-timed_out,.status-terminated{color:#a00}.status-running{color:#06c}.status-completed{color:#080}
code{background:#f4f4f4;padding:0 3px}footer{margin-top:1.5em;color:#555}nav a{margin-right:1em}`;

function page(title: string, body: string, opts: { refresh?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
${opts.refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">\n` : ''}<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head><body>
${body}
</body></html>`;
}

/** Only a client that asks for HTML by name (a browser) gets HTML errors; any other, JSON. */
function wantsHtml(req: Request): boolean {
  return /\btext\/html\b/.test(req.get('accept') ?? '');
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m - h * 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "3 min ago", with the exact time as the tooltip and in the markup. */
function timeAgo(iso: string | null | undefined, now: Date): string {
  if (!iso) return '—';
  return `<time datetime="${escape(iso)}" title="${escape(iso)}">${escape(formatDuration(now.getTime() - Date.parse(iso)))} ago</time>`;
}

const runPath = (workflowId: string) => `/runs/${workflowId.split('/').map(encodeURIComponent).join('/')}`;

export function webUiRunsUrl(config: Config, query: string): string {
  return `${config.temporal.webUiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

function accessNote(access: PageAccess): string {
  const how = `Browsers: <a href="/login">sign in with a key</a> once (kept in an HttpOnly, SameSite=Strict cookie <code>${KEY_COOKIE}</code>, good for reading only; a read key from <code>API_READ_KEYS</code> is enough). Scripts: <code>Authorization: Bearer &lt;key&gt;</code>.`;
  if ('denied' in access) return how;
  if (access.via === 'sandbox')
    return `Open without a key: sandbox mode, from this machine. The JSON links (<code>/runs/…</code>) still need a key. ${how}`;
  if (access.via === 'cookie')
    return `Signed in with the key in your <code>${KEY_COOKIE}</code> cookie. <form method="post" action="/logout" style="display:inline"><button>Sign out</button></form>`;
  return 'Signed in with an API key (Authorization header).';
}

// ---------------------------------------------------------------------------------------------------
// GET /

type Row = { integration: IntegrationDefinition } & (
  | { stats: IntegrationStats }
  | { error: string; cause?: unknown }
);

function integrationRow(row: Row, config: Config, now: Date): string {
  const { integration: i } = row;
  const id = escape(i.id);
  const webUi = webUiRunsUrl(config, `Integration="${i.id}"`);
  const name = `<a href="/integrations/${encodeURIComponent(i.id)}/runs.html">${id}</a><br><small>${escape(i.title)}</small>`;
  const webUiCell = `<td><a class="webui" href="${escape(webUi)}">runs in the Web UI</a></td>`;
  if ('error' in row)
    return `<tr id="row-${id}" data-integration="${id}"><td>${name}</td><td colspan="8" class="failure">figures unavailable: ${escape(row.error)}</td>${webUiCell}</tr>`;
  const s = row.stats;
  const failure = s.lastFailure
    ? `<span class="failure">${escape(s.lastFailure.message)}</span><br><small>${timeAgo(s.lastFailure.at, now)} · <a class="failure-link" href="${escape(runPath(s.lastFailure.workflowId))}">${escape(s.lastFailure.workflowId)}</a> · <a href="${escape(runUrl(config, s.lastFailure.workflowId, s.lastFailure.runId))}">history</a></small>`
    : '—';
  const failedInWebUi = webUiRunsUrl(config, `Integration="${i.id}" AND ExecutionStatus="Failed"`);
  return `<tr id="row-${id}" data-integration="${id}"${s.failed > 0 ? ' class="failing"' : ''}>
<td>${name}</td>
<td class="num started">${s.started}</td>
<td class="num running">${s.running}</td>
<td class="num completed">${s.completed}</td>
<td class="num failed">${s.failed > 0 ? `<a href="${escape(failedInWebUi)}">${s.failed}</a>` : '0'}</td>
<td class="last-failure">${failure}</td>
<td class="last-success">${timeAgo(s.lastSuccessAt, now)}</td>
<td class="num p50">${escape(formatDuration(s.p50DurationMs))}${s.durationSample ? ` <small>(n=${s.durationSample})</small>` : ''}</td>
<td class="num alerts">${s.alertsRaised}</td>
${webUiCell}
</tr>`;
}

export function operationsHtml(rows: Row[], config: Config, access: PageAccess, now: Date): string {
  const unavailable = rows.length > 0 && rows.every((r) => 'error' in r);
  const since = new Date(now.getTime() - 24 * 3600 * 1000).toISOString();
  return page(
    'Switchboard operations',
    `<h1>Switchboard operations</h1>
<nav><a href="/integrations.html">integration catalog</a><a href="${escape(`${config.temporal.webUiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows`)}">Temporal Web UI</a><a href="/openapi.json">API</a></nav>
<p class="meta">Namespace <code>${escape(config.temporal.namespace)}</code> · window: the last 24 h (since <time datetime="${since}">${since}</time>) · generated <time datetime="${now.toISOString()}">${now.toISOString()}</time> · this page refreshes itself every ${REFRESH_SECONDS} s.</p>
${unavailable ? '<p class="failure"><b>Temporal is unreachable: no figures.</b> The page retries on its own.</p>' : ''}
<table id="integrations">
<thead><tr><th>Integration</th><th>Started (24 h)</th><th>Running now</th><th>Completed (24 h)</th><th>Failed (24 h)</th><th>Newest failure</th><th>Last success</th><th>p50 duration*</th><th>Alerts raised (24 h)†</th><th>Temporal</th></tr></thead>
<tbody>
${rows.map((r) => integrationRow(r, config, now)).join('\n')}
</tbody></table>
<footer>
<p>Counts come from Temporal visibility count queries (grouped by <code>ExecutionStatus</code>), per integration's <code>Integration</code> search attribute; no run is listed to count them. <b>Failed</b> counts runs that failed or timed out in the window; <b>running now</b> counts every open run, whenever it started. <b>Newest failure</b> and <b>last success</b> are the newest ever, with their time.</p>
<p>* p50 duration: the median start-to-close time of a bounded sample, the newest ${DURATION_SAMPLE} completed runs (n = how many there were), not of every run. Entity runs (one per record) stay open while they wait for more events, so their duration includes that wait.</p>
<p>† Alerts raised: runs that closed as <i>Failed</i> in the window. A run that finally fails raises one alert before it fails (<code>kit/failureAlert.ts</code>); a timed-out run never got to, and alerts from runs that went on (a deletion to finish by hand, a cancel after shipping) are not counted.</p>
<p>${accessNote(access)}</p>
</footer>`,
    { refresh: true },
  );
}

// ---------------------------------------------------------------------------------------------------
// GET /integrations/:id/runs.html

interface RunRow {
  run: RunSummary;
  progress?: RunProgress;
  failure?: string;
}

const STATUS_FILTERS = ['running', 'completed', 'failed', 'timed_out', 'canceled', 'terminated'] as const;

function runRow({ run, progress, failure }: RunRow, config: Config, now: Date): string {
  const lastStep = progress?.stepsDone[progress.stepsDone.length - 1];
  const stage =
    run.status === 'running'
      ? progress
        ? `${escape(progress.stage)}${lastStep ? `<br><small>last step: ${escape(lastStep)}</small>` : ''}${progress.lastError ? `<br><small class="failure">${escape(progress.lastError)}</small>` : ''}`
        : '<small>no answer from a worker in time</small>'
      : failure
        ? `<span class="failure">${escape(failure)}</span>`
        : '';
  const closedOrNow = run.closeTime ? Date.parse(run.closeTime) : now.getTime();
  return `<tr data-workflow-id="${escape(run.workflowId)}">
<td><a href="${escape(runPath(run.workflowId))}">${escape(run.workflowId)}</a><br><small><a href="${escape(runUrl(config, run.workflowId, run.runId))}">history in the Web UI</a></small></td>
<td class="status status-${escape(run.status)}">${escape(run.status)}</td>
<td class="stage">${stage}</td>
<td>${timeAgo(run.startTime, now)}</td>
<td>${run.closeTime ? timeAgo(run.closeTime, now) : '—'}</td>
<td class="num">${escape(formatDuration(closedOrNow - Date.parse(run.startTime)))}${run.closeTime ? '' : ' <small>so far</small>'}</td>
<td><small>${escape([run.source, run.eventType].filter(Boolean).join(' · '))}</small></td>
</tr>`;
}

function runsHtml(
  integration: IntegrationDefinition,
  rows: RunRow[],
  opts: { status?: string; pageSize: number; nextPageToken?: string; paged: boolean; query: string },
  config: Config,
  access: PageAccess,
  now: Date,
): string {
  const base = `/integrations/${encodeURIComponent(integration.id)}/runs.html`;
  const link = (params: Record<string, string | undefined>) => {
    const query = new URLSearchParams(
      Object.entries({
        ...params,
        pageSize: opts.pageSize === RUNS_PER_PAGE ? undefined : String(opts.pageSize),
      }).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();
    return query ? `${base}?${query}` : base;
  };
  const withStatus = (status?: string) => link({ status });
  const filters = [undefined, ...STATUS_FILTERS]
    .map((s) =>
      s === opts.status ? `<b>${s ?? 'all'}</b>` : `<a href="${escape(withStatus(s))}">${s ?? 'all'}</a>`,
    )
    .join(' · ');
  const next = opts.nextPageToken
    ? `<a rel="next" href="${escape(link({ status: opts.status, pageToken: opts.nextPageToken }))}">next page →</a>`
    : '';
  return page(
    `${integration.id}: recent runs`,
    `<h1>${escape(integration.id)} <small>${escape(integration.title)}</small></h1>
<nav><a href="/">← operations</a><a href="${escape(webUiRunsUrl(config, opts.query))}">these runs in the Web UI</a><a href="/integrations.html#${escape(integration.id)}">in the catalog</a></nav>
<p class="meta">Recent runs, newest first, ${opts.pageSize} a page${opts.paged ? ' (a later page)' : ''}. Show: ${filters}. The stage of a running run is its answer to the <code>progress</code> query (left out when no worker answers within ${PROGRESS_DEADLINE_MS} ms). Generated <time datetime="${now.toISOString()}">${now.toISOString()}</time>; refreshes every ${REFRESH_SECONDS} s.</p>
<table id="runs">
<thead><tr><th>Workflow id</th><th>Status</th><th>Stage / why it failed</th><th>Started</th><th>Closed</th><th>Duration</th><th>Trigger</th></tr></thead>
<tbody>
${rows.length ? rows.map((r) => runRow(r, config, now)).join('\n') : '<tr><td colspan="7">No runs.</td></tr>'}
</tbody></table>
<p>${opts.paged ? `<a href="${escape(withStatus(opts.status))}">first page</a> ` : ''}${next}</p>
<footer><p>Visibility query: <code>${escape(opts.query)}</code></p><p>${accessNote(access)}</p></footer>`,
    { refresh: true },
  );
}

// ---------------------------------------------------------------------------------------------------
// /login

function loginHtml(message: string | undefined, next: string, sandbox: boolean): string {
  return page(
    'Switchboard: sign in',
    `<h1>Sign in</h1>
${message ? `<p class="failure">${escape(message)}</p>` : ''}
<p>Paste an API key once: it is kept in this browser in an HttpOnly, SameSite=Strict cookie (<code>${KEY_COOKIE}</code>, 30 days) and lets the browser <i>read</i> the operations pages and the runs API, whichever key it is. Use a read key (<code>API_READ_KEYS</code>); changing anything (re-run, cancel) still needs <code>Authorization: Bearer &lt;full key&gt;</code>.</p>
<form method="post" action="/login">
<input type="hidden" name="next" value="${escape(next)}">
<label>API key <input type="password" name="key" autocomplete="off" required size="40"></label>
<button type="submit">Sign in</button>
</form>
<p><small>From a shell: <code>curl -c cookies.txt -d key=&lt;read key&gt; http://…/login</code>, then <code>curl -b cookies.txt http://…/</code>.${sandbox ? ' In sandbox mode the pages are open to this machine without a key.' : ''}</small></p>`,
  );
}

/** Only a path on this site: never `//host` or a scheme, so /login cannot redirect elsewhere. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

// ---------------------------------------------------------------------------------------------------

export function operationsRouter(deps: OperationsDeps): Router {
  const { client, config } = deps;
  const catalog = deps.catalog ?? CATALOG;
  const router = Router();
  const stats = (id: string) => integrationStats(client, config.temporal.namespace, id);
  const find = (id: string) => {
    const integration = catalog.find((i) => i.id === id);
    if (!integration) throw notFound('unknown_integration', `no integration "${id}"`);
    return integration;
  };
  // A browser (it asks for HTML) gets the login form; any other client the API's JSON error.
  const deny = (res: express.Response, req: Request, reason: string) => {
    if (!wantsHtml(req))
      throw new HttpError(401, 'missing_api_key', `${reason} Send Authorization: Bearer <api key>.`, {
        'WWW-Authenticate': 'Bearer realm="switchboard"',
      });
    res
      .status(401)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(loginHtml(reason, safeNext(req.originalUrl), config.sandbox.enabled));
  };

  router.get('/', async (req, res) => {
    const access = pageAccess(req, config);
    if ('denied' in access) return deny(res, req, access.denied);
    const now = new Date();
    const rows: Row[] = await Promise.all(
      catalog.map(async (integration) => {
        try {
          return { integration, stats: await stats(integration.id) };
        } catch (err) {
          const e = temporalCallFailed(err);
          return { integration, error: (e as Error).message, cause: e };
        }
      }),
    );
    const failed = rows.flatMap((r) => ('error' in r ? [r] : []));
    const unavailable = rows.length > 0 && failed.length === rows.length;
    // The page is HTML; its error is HTML only for a browser. A script gets the API's JSON error.
    if (unavailable && !wantsHtml(req)) throw failed[0].cause;
    res
      .status(unavailable ? 503 : 200)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(operationsHtml(rows, config, access, now));
  });
  router.all('/', methodNotAllowed('GET'));

  router.get('/integrations/:id/runs.html', async (req, res) => {
    const access = pageAccess(req, config);
    if ('denied' in access) return deny(res, req, access.denied);
    const integration = find(req.params.id);
    const parsed = runListQuerySchema.safeParse({
      integration: integration.id,
      status: req.query.status || undefined,
      pageToken: req.query.pageToken || undefined,
      pageSize: req.query.pageSize || RUNS_PER_PAGE,
    });
    if (!parsed.success)
      throw badRequest('invalid_query', 'status, pageSize (1-100) or pageToken is not valid');
    let list: Awaited<ReturnType<typeof listRuns>>;
    try {
      list = await listRuns(client, config.temporal.namespace, parsed.data);
    } catch (err) {
      if ((err as { code?: number }).code === 3)
        throw badRequest('invalid_page_token', 'pageToken is not valid');
      throw temporalCallFailed(err);
    }
    const now = new Date();
    // In parallel, each with its own deadline: a run whose worker is down costs the page at most that.
    const rows = await Promise.all(
      list.runs.map(async (run): Promise<RunRow> => {
        const handle = client.workflow.getHandle(run.workflowId, run.runId, { followRuns: false });
        if (run.status === 'running') {
          const progress = await withDeadline(
            client,
            () => handle.query(progressQuery),
            PROGRESS_DEADLINE_MS,
          ).catch(() => undefined);
          return { run, progress };
        }
        if (run.status === 'failed' || run.status === 'timed_out') {
          const failure = await failureOf(client, handle, PROGRESS_DEADLINE_MS).catch(() => undefined);
          return { run, failure: failureLine(failure) };
        }
        return { run };
      }),
    );
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        runsHtml(
          integration,
          rows,
          {
            status: parsed.data.status,
            pageSize: parsed.data.pageSize,
            nextPageToken: list.nextPageToken,
            paged: Boolean(parsed.data.pageToken),
            query: list.query,
          },
          config,
          access,
          now,
        ),
      );
  });
  router.all('/integrations/:id/runs.html', methodNotAllowed('GET'));

  router.get('/integrations/:id/stats', requireApiKey(config), async (req, res) => {
    const integration = find(String(req.params.id));
    try {
      res.set('Cache-Control', 'no-store').json(await stats(integration.id));
    } catch (err) {
      throw temporalCallFailed(err);
    }
  });
  router.all('/integrations/:id/stats', methodNotAllowed('GET'));

  router.get('/login', (req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(loginHtml(undefined, safeNext(req.query.next), config.sandbox.enabled));
  });
  router.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const body = (req.body ?? {}) as { key?: unknown; next?: unknown };
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    const next = safeNext(body.next);
    if (!key || !accessOf(key, config)) {
      if (!wantsHtml(req)) throw new HttpError(401, 'invalid_api_key', 'the API key is not valid');
      res
        .status(401)
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(loginHtml('That is not a valid API key.', next, config.sandbox.enabled));
      return;
    }
    res
      .cookie(KEY_COOKIE, key, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure || config.production,
        path: '/',
        maxAge: COOKIE_MAX_AGE_SECONDS * 1000,
      })
      .set('Cache-Control', 'no-store')
      .redirect(303, next);
  });
  router.post('/logout', (_req, res) => {
    res.clearCookie(KEY_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' }).redirect(303, '/login');
  });
  router.all('/login', methodNotAllowed('GET', 'POST'));
  router.all('/logout', methodNotAllowed('POST'));
  return router;
}
