/**
 * Bulk re-run and cancel through a real dev server: POST /runs/rerun and POST /runs/cancel take a
 * visibility query, put each matching workflow id through the single-run route's check and action, and
 * say run by run what was done, would be done (dryRun) or refused and why. Runs fail or hang by the
 * sandbox's fault injection; a re-run completes once the fault is removed.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { subscriberHash } from '../systems/mailchimp/api';
import { eventually, uniqueId, useStack } from '../../test/helpers/stack';

const READ_KEY = 'read-only-key-for-bulk-tests-0001';
const stack = useStack({ env: { API_READ_KEYS: READ_KEY }, alertsToSandbox: true });
afterEach(() => stack.sandbox.faults.mailchimp!.clear());

async function post(path: string, body: unknown, key: string | null = stack.config.apiKeys[0]!) {
  const res = await fetch(stack.gatewayUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

function seedContact(prefix: string) {
  const id = uniqueId();
  const email = `${prefix}.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Bulk', lastname: prefix });
  return { id, email, workflowId: `contact-sync/hubspot/contact-${id}` };
}

async function startContactSync(contactId: string): Promise<string> {
  const res = await post('/integrations/contact-sync/runs', { contactId });
  expect(res.status).toBe(202);
  return res.body.runId as string;
}

const outcome = (err: unknown) => err;
const member = (email: string) =>
  stack.sandbox.mailchimp.lists.get(stack.config.contactSync.mailchimpListId)?.get(subscriberHash(email));
const byRecord = (ids: string[]) => `(${ids.map((id) => `RecordId = "${id}"`).join(' OR ')})`;

/** Polls a bulk call until visibility has caught up and it covers every expected workflow id. */
function bulkUntil(path: string, body: object, ids: string[]) {
  return eventually(
    async () => {
      const res = await post(path, body);
      expect(res.status).toBe(200);
      const found = new Set(res.body.runs.map((r: { workflowId: string }) => r.workflowId));
      return ids.every((id) => found.has(id)) ? res.body : undefined;
    },
    20_000,
    `${path} to match ${ids.length} run(s)`,
  );
}

test('dryRun lists the failed runs a query matches and starts nothing; the re-run completes once the fault is gone', async () => {
  // Mailchimp refuses every upsert with a 400 (no retry can fix that): both runs fail.
  stack.sandbox.faults.mailchimp!.set({ errors: { count: 1000, status: 400 } });
  const contacts = [seedContact('a'), seedContact('b')];
  const firstRuns: string[] = [];
  for (const c of contacts) {
    const runId = await startContactSync(c.id);
    firstRuns.push(runId);
    const err = await stack.client.workflow.getHandle(c.workflowId, runId).result().then(undefined, outcome);
    expect(err).toBeInstanceOf(WorkflowFailedError);
  }
  const ids = contacts.map((c) => c.workflowId);
  const query = `Integration = "contact-sync" AND ${byRecord(contacts.map((c) => c.id))} AND ExecutionStatus = "Failed"`;

  const dry = await bulkUntil('/runs/rerun', { query, dryRun: true }, ids);
  expect(dry).toMatchObject({
    query,
    dryRun: true,
    limit: 100,
    truncated: false,
    counts: { would_rerun: 2 },
  });
  for (const [i, c] of contacts.entries()) {
    expect(dry.runs).toContainEqual({
      workflowId: c.workflowId,
      matchedRunId: firstRuns[i],
      runId: firstRuns[i],
      status: 'failed',
      outcome: 'would_rerun',
    });
    // Nothing was started.
    expect((await stack.client.workflow.getHandle(c.workflowId).describe()).runId).toBe(firstRuns[i]);
  }

  // The fault is fixed; the real re-run starts each run again with its input, on the current code.
  stack.sandbox.faults.mailchimp!.clear();
  const real = await post('/runs/rerun', { query });
  expect(real.status).toBe(200);
  expect(real.body).toMatchObject({ dryRun: false, counts: { rerun: 2 } });
  for (const [i, c] of contacts.entries()) {
    const r = real.body.runs.find((x: { workflowId: string }) => x.workflowId === c.workflowId);
    expect(r).toMatchObject({ outcome: 'rerun', runId: firstRuns[i], newRunId: expect.any(String) });
    expect(r.newRunId).not.toBe(firstRuns[i]);
    await stack.client.workflow.getHandle(c.workflowId, r.newRunId).result();
    expect(member(c.email)).toMatchObject({ email_address: c.email });
  }

  // The same query again: the runs it matched failed, but each id's newest run completed — refused.
  const again = await post('/runs/rerun', { query });
  expect(again.status).toBe(200);
  expect(again.body.counts).toEqual({ refused: 2 });
  for (const r of again.body.runs) {
    expect(r).toMatchObject({ outcome: 'refused', status: 'completed', code: 'run_not_failed' });
    expect(r.reason).toContain(
      'is completed; only a failed, cancelled, terminated or timed-out run can be re-run',
    );
  }
});

test('bulk cancel cancels the running runs a query matches; a running run is refused a re-run, a closed one a cancel', async () => {
  // Mailchimp is down and asks for a minute between attempts: the runs stay running.
  stack.sandbox.faults.mailchimp!.set({ outage: { seconds: 600, status: 503, retryAfterSeconds: 60 } });
  const contacts = [seedContact('c'), seedContact('d')];
  for (const c of contacts) {
    await startContactSync(c.id);
    stack.terminateAfterAll(c.workflowId);
  }
  const ids = contacts.map((c) => c.workflowId);
  const query = `Integration = "contact-sync" AND ${byRecord(contacts.map((c) => c.id))}`;

  const dry = await bulkUntil('/runs/cancel', { query, dryRun: true }, ids);
  expect(dry.counts).toEqual({ would_cancel: 2 });
  const rerun = await post('/runs/rerun', { query });
  expect(rerun.body.counts).toEqual({ refused: 2 });
  expect(rerun.body.runs[0]).toMatchObject({ status: 'running', code: 'run_not_failed' });
  expect(rerun.body.runs[0].reason).toContain('is running');

  const cancel = await post('/runs/cancel', { query, limit: 10 });
  expect(cancel.status).toBe(200);
  expect(cancel.body.counts).toEqual({ cancel_requested: 2 });
  for (const c of contacts) {
    const err = await stack.client.workflow.getHandle(c.workflowId).result().then(undefined, outcome);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  }
  const closed = await post('/runs/cancel', { query });
  expect(closed.body.counts).toEqual({ refused: 2 });
  expect(closed.body.runs[0]).toMatchObject({ status: 'canceled', code: 'run_not_running' });

  // limit caps how many workflow ids are looked at, and says more matched.
  const capped = await post('/runs/cancel', { query, dryRun: true, limit: 1 });
  expect(capped.body).toMatchObject({ limit: 1, truncated: true });
  expect(capped.body.runs).toHaveLength(1);
});

test("a query Temporal refuses is a 400 quoting Temporal's message; bad bodies and read keys are refused", async () => {
  const bad = await post('/runs/rerun', { query: 'Integration = ', dryRun: true });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('invalid_query');
  expect(bad.body.error.message).not.toMatch(/^\d+ INVALID_ARGUMENT/);
  expect(bad.body.error.message.length).toBeGreaterThan(10);
  const unknownField = await post('/runs/cancel', { query: 'NoSuchAttribute = "x"' });
  expect(unknownField.status).toBe(400);
  expect(unknownField.body.error).toEqual({
    code: 'invalid_query',
    message: expect.stringContaining('NoSuchAttribute'),
  });

  for (const body of [{}, { query: '' }, { query: 'x', limit: 1001 }, { query: 'x', dryrun: true }]) {
    const res = await post('/runs/rerun', body);
    expect([JSON.stringify(body), res.status, res.body.error.code]).toEqual([
      JSON.stringify(body),
      400,
      'invalid_input',
    ]);
  }
  const notJson = await fetch(`${stack.gatewayUrl}/runs/cancel`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.config.apiKeys[0]}`, 'content-type': 'text/plain' },
    body: 'query=x',
  });
  expect(notJson.status).toBe(415);
  const readOnly = await post('/runs/rerun', { query: 'ExecutionStatus = "Failed"', dryRun: true }, READ_KEY);
  expect(readOnly.status).toBe(403);
  expect((await post('/runs/cancel', { query: 'x' }, null)).status).toBe(401);
  const wrongMethod = await fetch(`${stack.gatewayUrl}/runs/rerun`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${stack.config.apiKeys[0]}` },
  });
  expect(wrongMethod.status).toBe(405);
});

test('/openapi.json documents the bulk routes and the stats', async () => {
  const doc = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  await SwaggerParser.validate(structuredClone(doc) as never);
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/runs/rerun', '/runs/cancel', '/integrations/{id}/stats']),
  );
  expect(doc.paths['/runs/rerun']!.post).toMatchObject({
    requestBody: {
      content: { 'application/json': { schema: { $ref: '#/components/schemas/BulkRunRequest' } } },
    },
  });
});
