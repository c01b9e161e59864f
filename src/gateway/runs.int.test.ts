/**
 * The management side of the gateway through a real dev server: API keys, manual starts, listing and
 * filtering runs (visibility queries on the search attributes), cancel, re-run, the catalog, 405s,
 * /openapi.json and /metrics.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { subscriberHash } from '../systems/mailchimp/api';
import { CATALOG } from '../integrations/catalog';
import { apiKeyHeader, eventually, startStack, TestStack, uniqueId } from '../../test/helpers/stack';

const READ_KEY = 'read-only-key-for-tests-0001';
let stack: TestStack;
beforeAll(async () => {
  // Entity runs stay open for a while, so there is something running to list and cancel.
  stack = await startStack({ env: { API_READ_KEYS: READ_KEY, CONTACT_SYNC_IDLE_TIMEOUT: '10m' } });
});
afterAll(async () => {
  await stack?.stop();
});

async function api(method: string, path: string, opts: { body?: unknown; key?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = opts.key === undefined ? stack.config.apiKeys[0] : opts.key;
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(stack.gatewayUrl + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text/plain (metrics) or html stays text
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field by expect
  return { status: res.status, headers: res.headers, body: body as Record<string, any> };
}

function seedContact() {
  const id = uniqueId();
  const email = `runs.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Runs', lastname: 'Api' });
  return { id, email, workflowId: `contact-sync/hubspot/contact-${id}` };
}

const member = (email: string) =>
  stack.sandbox.mailchimp.lists.get(stack.config.contactSync.mailchimpListId)?.get(subscriberHash(email));

describe('API keys', () => {
  test('management routes need a key: none → 401, unknown → 401, read-only key cannot write → 403', async () => {
    const none = await api('GET', '/runs', { key: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'missing_api_key', message: expect.any(String) } });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const wrong = await api('GET', '/runs', { key: 'not-a-key-but-long-enough' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_api_key');

    expect((await api('GET', '/runs', { key: READ_KEY })).status).toBe(200);
    const write = await api('POST', '/integrations/contact-sync/runs', {
      key: READ_KEY,
      body: { contactId: '1' },
    });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('read_only_api_key');
  });

  test('webhooks, probes and documentation need no key', async () => {
    for (const path of ['/healthz', '/integrations', '/integrations.html', '/openapi.json', '/metrics']) {
      expect([path, (await api('GET', path, { key: null })).status]).toEqual([path, 200]);
    }
  });
});

describe('starting by hand', () => {
  test('POST /integrations/:id/runs starts the run; the contact lands in Mailchimp', async () => {
    const { id, email, workflowId } = seedContact();
    const res = await api('POST', '/integrations/contact-sync/runs', { body: { contactId: id } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ integration: 'contact-sync', workflowId, duplicate: false });
    await eventually(() => member(email), 20_000, 'the Mailchimp member');
  });

  test('a body that fails the integration schema → 400; unknown integration → 404; trigger-only → 400', async () => {
    const bad = await api('POST', '/integrations/contact-sync/runs', { body: { contactId: 'abc' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: 'invalid_input', message: expect.stringMatching(/^contactId:/) });

    const unknown = await api('POST', '/integrations/nope/runs', { body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unknown_integration');

    const triggerOnly = CATALOG.find((i) => !i.manualInput);
    if (triggerOnly) {
      const res = await api('POST', `/integrations/${triggerOnly.id}/runs`, { body: {} });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('manual_start_unsupported');
    }
    const notJson = await fetch(`${stack.gatewayUrl}/integrations/contact-sync/runs`, {
      method: 'POST',
      headers: { ...apiKeyHeader(stack.config), 'content-type': 'text/plain' },
      body: 'contactId=1',
    });
    expect(notJson.status).toBe(415);
  });
});

describe('listing runs', () => {
  test('filters by integration, record and status, and pages with nextPageToken', async () => {
    const a = seedContact();
    const b = seedContact();
    for (const c of [a, b]) {
      expect(
        (await api('POST', '/integrations/contact-sync/runs', { body: { contactId: c.id } })).status,
      ).toBe(202);
    }
    // Visibility is eventually consistent: poll until the index has the run.
    const byRecord = await eventually(
      async () => {
        const res = await api('GET', `/runs?integration=contact-sync&recordId=${a.id}`);
        return res.body.runs?.length === 1 ? res.body : undefined;
      },
      20_000,
      'the run in the list',
    );
    expect(byRecord.runs[0]).toMatchObject({
      workflowId: a.workflowId,
      integration: 'contact-sync',
      recordId: a.id,
      source: 'manual',
      status: 'running',
    });
    expect(byRecord.query).toContain(`RecordId = "${a.id}"`);

    const running = await api('GET', '/runs?integration=contact-sync&status=running&pageSize=1');
    expect(running.status).toBe(200);
    expect(running.body.runs).toHaveLength(1);
    expect(running.body.nextPageToken).toEqual(expect.any(String));
    const next = await api(
      'GET',
      `/runs?integration=contact-sync&status=running&pageSize=1&pageToken=${running.body.nextPageToken}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.runs).toHaveLength(1);
    expect(next.body.runs[0].workflowId).not.toBe(running.body.runs[0].workflowId);

    const none = await api('GET', '/runs?integration=contact-sync&status=failed&recordId=' + a.id);
    expect(none.body.runs).toEqual([]);
  });

  test('a bad filter is a 400, and a filter cannot change the query', async () => {
    expect((await api('GET', '/runs?status=sleeping')).body.error.code).toBe('invalid_query');
    expect((await api('GET', '/runs?pageSize=1000')).status).toBe(400);
    const injected = await api('GET', `/runs?integration=${encodeURIComponent('x" OR Integration != "y')}`);
    expect(injected.status).toBe(200);
    expect(injected.body.runs).toEqual([]);
  });
});

describe('cancel and re-run', () => {
  test('a running run is cancelled; cancelling it again is a 409', async () => {
    const { id, email, workflowId } = seedContact();
    await api('POST', '/integrations/contact-sync/runs', { body: { contactId: id } });
    await eventually(() => member(email), 20_000, 'the first sync');

    const res = await api('POST', `/runs/${workflowId}/cancel`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ workflowId, cancelRequested: true });
    const view = await eventually(
      async () => {
        const r = await api('GET', `/runs/${workflowId}`);
        return r.body.status !== 'running' ? r.body : undefined;
      },
      20_000,
      'the run to close',
    );
    expect(view.status).toBe('canceled');

    const again = await api('POST', `/runs/${workflowId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('run_not_running');
  });

  test('a terminated run is re-run with the same input under the same id; a running one cannot be', async () => {
    const { id, email, workflowId } = seedContact();
    await api('POST', '/integrations/contact-sync/runs', { body: { contactId: id } });
    const notYet = await api('POST', `/runs/${workflowId}/rerun`);
    expect(notYet.status).toBe(409);
    expect(notYet.body.error.code).toBe('run_not_failed');

    const handle = stack.client.workflow.getHandle(workflowId);
    const first = await handle.describe();
    await handle.terminate('test: an operator stopped it');
    stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Rerun' });

    const rerun = await api('POST', `/runs/${workflowId}/rerun`);
    expect(rerun.status).toBe(202);
    expect(rerun.body).toMatchObject({ workflowId, previousRunId: first.runId, integration: 'contact-sync' });
    expect(rerun.body.runId).not.toBe(first.runId);
    // The new run got the same input (the contact event) and synced the contact's current values.
    await eventually(
      () => member(email)?.merge_fields?.FNAME === 'Rerun' || undefined,
      20_000,
      'the re-run sync',
    );
    const view = await api('GET', `/runs/${workflowId}`);
    expect(view.body).toMatchObject({ runId: rerun.body.runId, integration: 'contact-sync', recordId: id });

    expect((await api('POST', '/runs/contact-sync/hubspot/contact-nope/rerun')).status).toBe(404);
  });
});

describe('the rest of the gateway', () => {
  test('GET /integrations lists every catalog entry with triggers, direction and field maps', async () => {
    const res = await api('GET', '/integrations', { key: null });
    expect(res.body.integrations.map((i: { id: string }) => i.id)).toEqual(CATALOG.map((i) => i.id));
    const contactSync = res.body.integrations.find((i: { id: string }) => i.id === 'contact-sync');
    expect(contactSync).toMatchObject({
      direction: 'one-way',
      from: { system: 'hubspot' },
      triggers: { webhooks: [expect.objectContaining({ source: 'hubspot' })] },
      manualInput: expect.objectContaining({ type: 'object' }),
    });
    expect(JSON.stringify(contactSync.fieldMaps)).toContain('merge_fields.FNAME');
    const html = await api('GET', '/integrations.html', { key: null });
    for (const i of CATALOG) expect(html.body).toContain(`id="${i.id}"`);
  });

  test('a known path with the wrong method is a 405 with Allow', async () => {
    const res = await api('GET', '/webhooks/hubspot', { key: null });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.body.error.code).toBe('method_not_allowed');
    expect((await api('DELETE', '/runs')).status).toBe(405);
    expect((await api('PUT', '/integrations', { key: null })).status).toBe(405);
  });

  test('/openapi.json is a valid OpenAPI 3 document covering the routes', async () => {
    const res = await api('GET', '/openapi.json', { key: null });
    const doc = await SwaggerParser.validate(structuredClone(res.body) as never);
    expect(doc).toBeTruthy();
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/webhooks/{source}',
        '/runs',
        '/runs/{workflowId}',
        '/runs/{workflowId}/cancel',
        '/runs/{workflowId}/rerun',
        '/integrations',
        '/integrations/contact-sync/runs',
      ]),
    );
  });

  test('/metrics counters move with webhooks, verification failures, starts and duplicates', async () => {
    const metric = async (line: RegExp) => {
      const text = (await api('GET', '/metrics', { key: null })).body as unknown as string;
      const found = text.split('\n').find((l) => line.test(l));
      return found ? Number(found.split(' ').pop()) : 0;
    };
    const accepted = /^switchboard_webhook_requests_total\{source="hubspot",outcome="accepted"\}/;
    const duplicates = /^switchboard_webhook_duplicates_total\{integration="contact-sync"\}/;
    const failures =
      /^switchboard_webhook_verification_failures_total\{source="hubspot",reason="invalid_signature"\}/;
    const before = {
      accepted: await metric(accepted),
      duplicates: await metric(duplicates),
      failures: await metric(failures),
    };

    const { id } = seedContact();
    const event = { subscriptionType: 'contact.creation', objectId: id };
    expect((await stack.sandbox.hubspot.sendWebhook([event])).status).toBe(202);
    const tampered = await fetch(`${stack.gatewayUrl}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': 'AAAA',
        'x-hubspot-request-timestamp': String(Date.now()),
      },
      body: '[]',
    });
    expect(tampered.status).toBe(401);

    expect(await metric(accepted)).toBe(before.accepted + 1);
    expect(await metric(failures)).toBe(before.failures + 1);
    expect(
      await metric(
        /^switchboard_http_request_duration_seconds_count\{method="POST",route="\/webhooks\/:source",status="202"\}/,
      ),
    ).toBeGreaterThan(0);
    expect(await metric(duplicates)).toBe(before.duplicates);
  });
});
