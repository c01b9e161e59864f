/**
 * The runs API: list runs (a visibility query on the search attributes), describe one, cancel one, re-run
 * a failed one with the same input, and both in bulk over the runs a visibility query matches
 * (`POST /runs/rerun`, `POST /runs/cancel`, through the same single-run code). Workflow ids contain
 * slashes (`contact-sync/hubspot/contact-1`), so routes take the id as a wildcard; both the encoded and
 * the plain form work.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import {
  Client,
  WorkflowExecutionDescription,
  WorkflowFailedError,
  WorkflowHandle,
} from '@temporalio/client';
import { defaultPayloadConverter, WorkflowIdReusePolicy } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Config } from '../config';
import { findIntegration } from '../integrations/catalog';
import { payloadCodecs, PayloadUndecryptableError } from '../runtime/dataConverter';
import {
  EventTypeKey,
  IntegrationKey,
  RecordIdKey,
  runSearchAttributes,
  SourceKey,
} from '../runtime/searchAttributes';
import { grpcCodeOf, temporalMessageOf, withTemporalDeadline as withDeadline } from '../runtime/calls';
import { progressQuery } from '../integrations/kit/progress';
import {
  badRequest,
  invalidInput,
  HttpError,
  methodNotAllowed,
  notFound,
  temporalCallFailed,
} from './errors';
import type { GatewayMetrics } from './metrics';
import {
  BulkRunOutcome,
  BulkRunRequest,
  BulkRunResult,
  bulkRunRequestSchema,
  isNotFound,
  runListQuerySchema,
  RunListQuery,
  RunSummary,
  RunView,
} from './schemas';

const QUERY_DEADLINE_MS = 3000;

export async function describeRun(client: Client, workflowId: string): Promise<RunView> {
  const d = await withDeadline(client, () => client.workflow.getHandle(workflowId).describe());
  // Pinned to the run just described: a newer run of the same id (an entity run started since) must not
  // make this answer wait for it to finish.
  const handle = client.workflow.getHandle(workflowId, d.runId, { followRuns: false });
  const view: RunView = {
    workflowId: d.workflowId,
    runId: d.runId,
    status: statusName(d.status.name),
    integration: d.typedSearchAttributes.get(IntegrationKey),
    source: d.typedSearchAttributes.get(SourceKey),
    eventType: d.typedSearchAttributes.get(EventTypeKey),
    recordId: d.typedSearchAttributes.get(RecordIdKey),
    workflowType: d.type,
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime?.toISOString(),
    historyLength: d.historyLength,
    // The activities in flight: which call is being retried, how many attempts so far, and why.
    pendingActivities: (d.raw.pendingActivities ?? []).map((a) => ({
      activityType: a.activityType?.name ?? 'unknown',
      attempt: a.attempt ?? 1,
      state: temporal.api.enums.v1.PendingActivityState[a.state ?? 0]
        ?.replace('PENDING_ACTIVITY_STATE_', '')
        .toLowerCase(),
      lastFailure: a.lastFailure?.message ?? undefined,
    })),
  };
  // The progress query needs a worker; a run is still described when none is up.
  view.progress = await withDeadline(client, () => handle.query(progressQuery), QUERY_DEADLINE_MS).catch(
    () => undefined,
  );
  if (d.status.name === 'COMPLETED') {
    view.result = await withDeadline(client, () => handle.result());
  } else if (d.status.name === 'FAILED' || d.status.name === 'TIMED_OUT') {
    view.failure = await failureOf(client, handle);
  }
  return view;
}

/**
 * Why a closed run failed, decoded through the data converter (the codec may have encrypted it): the
 * failure and its cause, e.g. "Activity task failed" caused by the API's own error message; or, when no
 * key of the ring opens it, code `undecodable_payload` and the codec's reason (which names the key's id).
 */
export async function failureOf(
  client: Client,
  handle: WorkflowHandle,
  ms?: number,
): Promise<RunView['failure']> {
  try {
    await withDeadline(client, () => handle.result(), ms);
    return undefined;
  } catch (err) {
    // The run's status is known; only why it failed is sealed with a key the ring lacks. Said as such,
    // never as if the codec's complaint were the run's failure.
    if (err instanceof PayloadUndecryptableError)
      return { code: 'undecodable_payload', message: err.message };
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    return {
      message: cause?.message ?? (err as Error).message,
      cause: (cause as { cause?: Error })?.cause?.message,
    };
  }
}

/** A visibility query's string literal: quoted and escaped, so a value can never change the query's shape. */
export const quoteVisibilityValue = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Visibility query: values are quoted, so a filter can never change the query's shape. */
export function visibilityQuery(filters: RunListQuery): string {
  const quote = quoteVisibilityValue;
  const clauses: string[] = [];
  if (filters.integration) clauses.push(`Integration = ${quote(filters.integration)}`);
  if (filters.source) clauses.push(`Source = ${quote(filters.source)}`);
  if (filters.eventType) clauses.push(`EventType = ${quote(filters.eventType)}`);
  if (filters.recordId) clauses.push(`RecordId = ${quote(filters.recordId)}`);
  if (filters.status) clauses.push(`ExecutionStatus = ${quote(STATUS_NAMES[filters.status])}`);
  // Newest first is the server's own order; ORDER BY is not accepted by every visibility store.
  return clauses.join(' AND ');
}

const STATUS_NAMES: Record<RunListQuery['status'] & string, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  terminated: 'Terminated',
  continued_as_new: 'ContinuedAsNew',
  timed_out: 'TimedOut',
};

function keyword(fields: Record<string, temporal.api.common.v1.IPayload>, name: string): string | undefined {
  const payload = fields[name];
  if (!payload) return undefined;
  const value = defaultPayloadConverter.fromPayload<unknown>(payload);
  return Array.isArray(value) ? String(value[0]) : value == null ? undefined : String(value);
}

const isoOf = (t?: { seconds?: unknown; nanos?: number | null } | null) =>
  t?.seconds == null ? undefined : new Date(Number(t.seconds) * 1000 + (t.nanos ?? 0) / 1e6).toISOString();

export async function listRuns(
  client: Client,
  namespace: string,
  filters: RunListQuery,
): Promise<{ runs: RunSummary[]; nextPageToken?: string; query: string }> {
  const query = visibilityQuery(filters);
  return { ...(await listRunsByQuery(client, namespace, query, filters.pageSize, filters.pageToken)), query };
}

/** One page of a visibility query's runs, newest first; `pageToken` is a previous answer's nextPageToken. */
export async function listRunsByQuery(
  client: Client,
  namespace: string,
  query: string,
  pageSize: number,
  pageToken?: string,
): Promise<{ runs: RunSummary[]; nextPageToken?: string }> {
  const response = await withDeadline(client, () =>
    client.workflowService.listWorkflowExecutions({
      namespace,
      query,
      pageSize,
      nextPageToken: pageToken ? Buffer.from(pageToken, 'base64url') : undefined,
    }),
  );
  const runs = (response.executions ?? []).map((e): RunSummary => {
    const fields = e.searchAttributes?.indexedFields ?? {};
    return {
      workflowId: e.execution?.workflowId ?? '',
      runId: e.execution?.runId ?? '',
      status: (temporal.api.enums.v1.WorkflowExecutionStatus[e.status ?? 0] ?? 'UNSPECIFIED')
        .replace('WORKFLOW_EXECUTION_STATUS_', '')
        .toLowerCase(),
      integration: keyword(fields, 'Integration'),
      source: keyword(fields, 'Source'),
      eventType: keyword(fields, 'EventType'),
      recordId: keyword(fields, 'RecordId'),
      workflowType: e.type?.name ?? '',
      startTime: isoOf(e.startTime) ?? '',
      closeTime: isoOf(e.closeTime),
    };
  });
  const token = response.nextPageToken?.length
    ? Buffer.from(response.nextPageToken).toString('base64url')
    : undefined;
  return { runs, nextPageToken: token };
}

/**
 * What the run was given, decoded (the payload codec may have encrypted it): its start arguments and the
 * signals it received, in order. An entity run started by signalWithStart gets its events as signals, so
 * "the same input" is both.
 */
async function inputOf(client: Client, config: Config, workflowId: string, runId: string) {
  const history = await withDeadline(client, () =>
    client.workflow.getHandle(workflowId, runId).fetchHistory(),
  );
  const codecs = payloadCodecs(config.temporal);
  const decode = async (payloads: temporal.api.common.v1.IPayload[] | null | undefined) => {
    let decoded = payloads ?? [];
    for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
    return decoded.map((p) => defaultPayloadConverter.fromPayload<unknown>(p));
  };
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`run ${workflowId}/${runId} has no start event`);
  const signals: { name: string; args: unknown[] }[] = [];
  for (const event of history.events ?? []) {
    const signaled = event.workflowExecutionSignaledEventAttributes;
    if (signaled?.signalName)
      signals.push({ name: signaled.signalName, args: await decode(signaled.input?.payloads) });
  }
  return {
    args: await decode(started.input?.payloads),
    signals,
    workflowType: started.workflowType?.name ?? '',
    taskQueue: started.taskQueue?.name ?? config.temporal.taskQueue,
  };
}

const RERUNNABLE = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

/** One spelling for both APIs: describe says CANCELLED, visibility says CANCELED. */
function statusName(name: string): string {
  return name.toLowerCase().replace('cancelled', 'canceled');
}

export interface RunsDeps {
  client: Client;
  config: Config;
  metrics: GatewayMetrics;
}

function workflowIdOf(params: unknown): string {
  return ([] as string[]).concat((params as Record<string, string | string[]>).id).join('/');
}

async function orUnavailable<T>(id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err)) throw notFound('run_not_found', `no run with workflow id "${id}"`);
    throw temporalCallFailed(err);
  }
}

/** A 409 about a run's state, carrying the run it is about (a bulk answer reports its status). */
class RunStateConflict extends HttpError {
  constructor(
    code: string,
    message: string,
    readonly run: WorkflowExecutionDescription,
  ) {
    super(409, code, message);
  }
}

/** The newest run of a workflow id, described; a missing one is a 404, an outage a 503. */
const describeNewest = (deps: RunsDeps, id: string) =>
  orUnavailable(id, () => withDeadline(deps.client, () => deps.client.workflow.getHandle(id).describe()));

/** The run that `POST /runs/:id/cancel` would cancel (the id's newest), or a 409 saying why not. */
export async function cancellable(deps: RunsDeps, id: string): Promise<WorkflowExecutionDescription> {
  const description = await describeNewest(deps, id);
  if (description.status.name !== 'RUNNING')
    throw new RunStateConflict(
      'run_not_running',
      `run "${id}" is ${description.status.name.toLowerCase()}; only a running run can be cancelled`,
      description,
    );
  return description;
}

export async function requestCancel(deps: RunsDeps, id: string, description: WorkflowExecutionDescription) {
  const { client } = deps;
  await orUnavailable(id, () =>
    withDeadline(client, () => client.workflow.getHandle(id, description.runId).cancel()),
  );
  return { workflowId: id, runId: description.runId, cancelRequested: true };
}

/** The run that `POST /runs/:id/rerun` would re-run (the id's newest), or a 409 saying why not. */
export async function rerunnable(deps: RunsDeps, id: string): Promise<WorkflowExecutionDescription> {
  const d = await describeNewest(deps, id);
  if (!RERUNNABLE.has(d.status.name))
    throw new RunStateConflict(
      'run_not_failed',
      `run "${id}" is ${d.status.name.toLowerCase()}; only a failed, cancelled, terminated or timed-out run can be re-run`,
      d,
    );
  return d;
}

/** How long a re-run's first task waits at most for the rest of the failed run's signals. */
const RERUN_HOLD = '1m';

/**
 * Starts a new run of `id` on the current code with the failed run's input: its start arguments and the
 * signals it received, in order. The one re-run path: `POST /runs/:id/rerun` and `POST /runs/rerun` use it.
 */
export async function rerunFrom(deps: RunsDeps, id: string, d: WorkflowExecutionDescription) {
  const { client, config } = deps;
  const integrationId = d.typedSearchAttributes.get(IntegrationKey);
  const input = await orUnavailable(id, () => inputOf(client, config, id, d.runId));
  const options = {
    workflowId: id,
    taskQueue: input.taskQueue,
    args: input.args,
    // Only Switchboard's own attributes: the server manages the rest (versioning, patches).
    typedSearchAttributes: runSearchAttributes({
      integration: integrationId ?? d.type,
      source: d.typedSearchAttributes.get(SourceKey),
      eventType: d.typedSearchAttributes.get(EventTypeKey),
      recordId: d.typedSearchAttributes.get(RecordIdKey),
    }),
    staticSummary: `Re-run of ${d.runId}`,
    // The same id, so the record's history stays in one place; allowed only after a failure, so a
    // re-run can never double a completed run.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
  };
  const [first, ...rest] = input.signals;
  const runId = await orUnavailable(id, () =>
    withDeadline(client, async () => {
      if (!first) return (await client.workflow.start(input.workflowType, options)).firstExecutionRunId;
      const handle = await client.workflow.signalWithStart(input.workflowType, {
        ...options,
        signal: first.name,
        signalArgs: first.args,
        // With more signals to come, the new run's first task waits for the last of them, so the run sees
        // every event the failed run had before it acts: a run that completes once nothing is pending
        // (contact-sync) would otherwise end before the rest arrive. Plain signals leave the hold in
        // place; the last one, sent with signalWithStart, ends it. Should the gateway fail on the way,
        // the run starts when the hold runs out, with the signals that arrived.
        ...(rest.length > 0 && { startDelay: RERUN_HOLD }),
      });
      return handle.signaledRunId;
    }),
  );
  // The run exists now: from here on the answer is 202, never a 503 that would invite a second re-run.
  // Each later signal has its own deadline; the answer says how many arrived.
  let signalsDelivered = first ? 1 : 0;
  try {
    const handle = client.workflow.getHandle(id, runId);
    for (const [i, signal] of rest.entries()) {
      if (i < rest.length - 1) await withDeadline(client, () => handle.signal(signal.name, ...signal.args));
      else
        await withDeadline(client, () =>
          client.workflow.signalWithStart(input.workflowType, {
            ...options,
            signal: signal.name,
            signalArgs: signal.args,
          }),
        );
      signalsDelivered++;
    }
  } catch {
    // reported below
  }
  deps.metrics.runsStarted.inc({ integration: integrationId ?? d.type, trigger: 'rerun' });
  return {
    workflowId: id,
    runId,
    previousRunId: d.runId,
    integration: integrationId ?? findIntegration(d.type)?.id,
    signalsDelivered,
    signalsTotal: input.signals.length,
  };
}

export interface BulkAction {
  /** The outcome of a run acted on, and of one that would be in a dry run. */
  done: BulkRunOutcome['outcome'];
  wouldDo: BulkRunOutcome['outcome'];
  /** The single-run route's check: the run acted on, or an HttpError (409, 404) saying why not. */
  check(id: string): Promise<WorkflowExecutionDescription>;
  act(id: string, d: WorkflowExecutionDescription): Promise<{ newRunId?: string }>;
}

const BULK_PAGE_SIZE = 100;
const BULK_MAX_PAGES = 50;
const BULK_CONCURRENCY = 4;

/**
 * `POST /runs/rerun` and `POST /runs/cancel`: the workflow ids a visibility query matches (each once, up
 * to `limit`), each put through the single-run route's own check and action, so a bulk action can do
 * nothing a single one would refuse; a refusal is reported with its reason, run by run.
 */
export async function runBulk(
  deps: RunsDeps,
  request: BulkRunRequest,
  action: BulkAction,
): Promise<BulkRunResult> {
  const { client, config } = deps;
  // Newest first, as visibility lists them; an id's older runs add nothing (the action takes its newest).
  const matched = new Map<string, RunSummary>();
  let token: string | undefined;
  let truncated = false;
  for (let page = 0; ; page++) {
    let answer: Awaited<ReturnType<typeof listRunsByQuery>>;
    try {
      answer = await listRunsByQuery(
        client,
        config.temporal.namespace,
        request.query,
        Math.min(BULK_PAGE_SIZE, request.limit),
        token,
      );
    } catch (err) {
      if (grpcCodeOf(err) === 3) throw badRequest('invalid_query', temporalMessageOf(err));
      throw temporalCallFailed(err);
    }
    for (const run of answer.runs) {
      if (matched.has(run.workflowId)) continue;
      if (matched.size >= request.limit) {
        truncated = true;
        break;
      }
      matched.set(run.workflowId, run);
    }
    token = answer.nextPageToken;
    if (truncated || !token) break;
    if (page + 1 >= BULK_MAX_PAGES) {
      truncated = true;
      break;
    }
  }

  const runs = [...matched.values()];
  const outcomes: BulkRunOutcome[] = new Array(runs.length);
  let unreachable = false;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(BULK_CONCURRENCY, runs.length) }, async () => {
      while (next < runs.length) {
        const index = next++;
        const run = runs[index]!;
        const base = { workflowId: run.workflowId, matchedRunId: run.runId };
        if (unreachable) {
          outcomes[index] = {
            ...base,
            outcome: 'error',
            code: 'temporal_unavailable',
            reason: 'not attempted: Temporal became unreachable',
          };
          continue;
        }
        try {
          const d = await action.check(run.workflowId);
          const checked = { ...base, runId: d.runId, status: statusName(d.status.name) };
          outcomes[index] = request.dryRun
            ? { ...checked, outcome: action.wouldDo }
            : { ...checked, outcome: action.done, ...(await action.act(run.workflowId, d)) };
        } catch (err) {
          const e = temporalCallFailed(err);
          if (e instanceof RunStateConflict) {
            outcomes[index] = {
              ...base,
              runId: e.run.runId,
              status: statusName(e.run.status.name),
              outcome: 'refused',
              code: e.code,
              reason: e.message,
            };
          } else if (e instanceof HttpError && (e.status === 409 || e.status === 404)) {
            outcomes[index] = { ...base, outcome: 'refused', code: e.code, reason: e.message };
          } else {
            if (e instanceof HttpError && e.status === 503) unreachable = true;
            outcomes[index] = {
              ...base,
              outcome: 'error',
              code: e instanceof HttpError ? e.code : 'internal_error',
              reason: (e as Error).message,
            };
          }
        }
      }
    }),
  );
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
  return {
    query: request.query,
    dryRun: request.dryRun,
    limit: request.limit,
    truncated,
    counts,
    runs: outcomes,
  };
}

export function runsRouter(deps: RunsDeps): Router {
  const { client, config } = deps;
  const router = Router();

  router.get('/runs', async (req, res) => {
    const parsed = runListQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      throw invalidInput('invalid_query', parsed.error, 'query');
    }
    try {
      res.json(await listRuns(client, config.temporal.namespace, parsed.data));
    } catch (err) {
      // A page token from elsewhere is the caller's mistake, not an outage.
      if ((err as { code?: number }).code === 3) {
        throw parsed.data.pageToken
          ? badRequest('invalid_page_token', 'pageToken is not valid')
          : badRequest('invalid_query', (err as Error).message);
      }
      throw temporalCallFailed(err);
    }
  });
  router.all('/runs', methodNotAllowed('GET'));

  // The bulk routes first: `/runs/*id` below would take `rerun` and `cancel` for workflow ids.
  const bulkBody = [
    (req: Request, _res: Response, next: NextFunction) => {
      if (!req.is('application/json'))
        throw new HttpError(415, 'unsupported_media_type', 'the body must be application/json');
      next();
    },
    express.json({ limit: '16kb' }),
  ];
  const bulkRequest = (body: unknown) => {
    const parsed = bulkRunRequestSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalidInput('invalid_input', parsed.error, 'body');
    return parsed.data;
  };
  router.post('/runs/rerun', ...bulkBody, async (req, res) => {
    const answer = await runBulk(deps, bulkRequest(req.body), {
      done: 'rerun',
      wouldDo: 'would_rerun',
      check: (id) => rerunnable(deps, id),
      act: async (id, d) => ({ newRunId: (await rerunFrom(deps, id, d)).runId }),
    });
    res.locals.log = { outcome: 'bulk_rerun', dryRun: answer.dryRun, counts: answer.counts };
    res.json(answer);
  });
  router.all('/runs/rerun', methodNotAllowed('POST'));
  router.post('/runs/cancel', ...bulkBody, async (req, res) => {
    const answer = await runBulk(deps, bulkRequest(req.body), {
      done: 'cancel_requested',
      wouldDo: 'would_cancel',
      check: (id) => cancellable(deps, id),
      act: async (id, d) => {
        await requestCancel(deps, id, d);
        return {};
      },
    });
    res.locals.log = { outcome: 'bulk_cancel', dryRun: answer.dryRun, counts: answer.counts };
    res.json(answer);
  });
  router.all('/runs/cancel', methodNotAllowed('POST'));

  router.post('/runs/*id/cancel', async (req, res) => {
    const id = workflowIdOf(req.params);
    res.status(202).json(await requestCancel(deps, id, await cancellable(deps, id)));
  });
  router.all('/runs/*id/cancel', methodNotAllowed('POST'));

  router.post('/runs/*id/rerun', async (req, res) => {
    const id = workflowIdOf(req.params);
    res.status(202).json(await rerunFrom(deps, id, await rerunnable(deps, id)));
  });
  router.all('/runs/*id/rerun', methodNotAllowed('POST'));

  router.get('/runs/*id', async (req, res) => {
    const id = workflowIdOf(req.params);
    res.json(await orUnavailable(id, () => describeRun(client, id)));
  });
  router.all('/runs/*id', methodNotAllowed('GET'));
  return router;
}
