/**
 * The operations side through a real dev server: GET /integrations/:id/stats (visibility count queries,
 * grouped by status or one per status), the operations page GET / and the runs page, who may see them
 * (API key, the sb_key cookie from /login, sandbox mode on loopback), and a running run's stage in the
 * Web UI's Current Details. Runs are made to fail with the sandbox's fault injection.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CATALOG } from '../integrations/catalog';
import { subscriberHash } from '../systems/mailchimp/api';
import { eventually, uniqueId, useStack } from '../../test/helpers/stack';
import { integrationStats } from './stats';

const READ_KEY = 'read-only-key-for-ops-tests-0001';
const stack = useStack({ env: { API_READ_KEYS: READ_KEY }, alertsToSandbox: true });
afterEach(() => stack.sandbox.faults.mailchimp!.clear());

/** A request from "another machine" (through a loopback proxy): the sandbox's open door is shut to it. */
// A browser elsewhere: it asks for HTML, so a refusal is the login form.
const REMOTE = { 'x-forwarded-for': '203.0.113.7', accept: 'text/html' };

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(stack.gatewayUrl + path, { headers, redirect: 'manual' });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
  return { status: res.status, headers: res.headers, text, body: json as Record<string, any> };
}
const withKey = (key = stack.config.apiKeys[0]!) => ({ authorization: `Bearer ${key}` });

function seedContact(prefix: string) {
  const id = uniqueId();
  const email = `${prefix}.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Ops', lastname: prefix });
  return { id, email, workflowId: `contact-sync/hubspot/contact-${id}` };
}

async function startContactSync(contactId: string) {
  const res = await fetch(`${stack.gatewayUrl}/integrations/contact-sync/runs`, {
    method: 'POST',
    headers: { ...withKey(), 'content-type': 'application/json' },
    body: JSON.stringify({ contactId }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { runId: string }).runId;
}

/** A contact-sync run that completes (it syncs, then its idle timeout passes). */
async function completedRun() {
  const contact = seedContact('ok');
  const runId = await startContactSync(contact.id);
  await stack.client.workflow.getHandle(contact.workflowId, runId).result();
  return contact;
}

/** A contact-sync run that fails: Mailchimp refuses the upsert with a 400, which no retry can fix. */
async function failedRun() {
  const contact = seedContact('fail');
  stack.sandbox.faults.mailchimp!.set({ errors: { count: 1000, status: 400 } });
  const runId = await startContactSync(contact.id);
  const err = await stack.client.workflow
    .getHandle(contact.workflowId, runId)
    .result()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  stack.sandbox.faults.mailchimp!.clear();
  return { ...contact, runId, hash: subscriberHash(contact.email) };
}

let failed: Awaited<ReturnType<typeof failedRun>>;

describe('GET /integrations/:id/stats', () => {
  test('24 h counts, last success and the newest failure with its message, from visibility', async () => {
    const before = (await get('/integrations/contact-sync/stats', withKey())).body;
    expect(before).toMatchObject({ integration: 'contact-sync', window: '24h' });

    await completedRun();
    failed = await failedRun();

    const after = await eventually(
      async () => {
        const res = await get('/integrations/contact-sync/stats', withKey());
        const s = res.body;
        return s.lastFailure?.workflowId === failed.workflowId &&
          s.completed >= before.completed + 1 &&
          s.failed >= before.failed + 1
          ? s
          : undefined;
      },
      20_000,
      'the stats to count both runs',
    );
    expect(after).toEqual({
      integration: 'contact-sync',
      window: '24h',
      since: expect.any(String),
      started: expect.any(Number),
      running: expect.any(Number),
      completed: expect.any(Number),
      failed: expect.any(Number),
      alertsRaised: expect.any(Number),
      lastSuccessAt: expect.any(String),
      lastFailure: {
        workflowId: failed.workflowId,
        runId: failed.runId,
        message: expect.stringContaining(`members/${failed.hash} → 400`),
        at: expect.any(String),
      },
      p50DurationMs: expect.any(Number),
      durationSample: expect.any(Number),
    });
    expect(after.started).toBeGreaterThanOrEqual(before.started + 2);
    expect(after.alertsRaised).toBeGreaterThanOrEqual(before.alertsRaised + 1);
    expect(after.lastFailure.message).toContain('The request was rejected with status 400.');
    expect(Date.parse(after.lastSuccessAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(after.since)).toBeCloseTo(Date.now() - 24 * 3600 * 1000, -5);
  });

  test('one count per status gives the same figures as GROUP BY ExecutionStatus', async () => {
    const ns = stack.config.temporal.namespace;
    // Counted twice in a row; a run closing in between makes them differ, so ask again.
    await eventually(
      async () => {
        const [grouped, perStatus] = await Promise.all([
          integrationStats(stack.client, ns, 'contact-sync', { groupBy: true }),
          integrationStats(stack.client, ns, 'contact-sync', { groupBy: false }),
        ]);
        const pick = (s: typeof grouped) => [s.running, s.completed, s.failed, s.alertsRaised];
        return JSON.stringify(pick(grouped)) === JSON.stringify(pick(perStatus)) && grouped.failed > 0
          ? true
          : undefined;
      },
      20_000,
      'both ways of counting to agree',
    );
  });

  test('the runs API key rules: a read key reads; none → 401; unknown integration → 404', async () => {
    expect((await get('/integrations/contact-sync/stats', withKey(READ_KEY))).status).toBe(200);
    const none = await get('/integrations/contact-sync/stats');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('missing_api_key');
    const unknown = await get('/integrations/nope/stats', withKey());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unknown_integration');
  });
});

/** The cells of one integration's row on the operations page, by class. */
function rowOf(html: string, id: string) {
  const row = new RegExp(`<tr id="row-${id}"[\\s\\S]*?</tr>`).exec(html)?.[0];
  if (!row) throw new Error(`no row for ${id}`);
  const cell = (cls: string) =>
    new RegExp(`<td class="[^"]*\\b${cls}\\b[^"]*">([\\s\\S]*?)</td>`)
      .exec(row)?.[1]
      ?.replace(/<[^>]+>/g, '')
      .trim();
  return { row, cell };
}

describe('the operations page, GET /', () => {
  test('one row per integration with its counts, the newest failure message and a filtered Web UI link', async () => {
    const { stats, html } = await eventually(
      async () => {
        const s = (await get('/integrations/contact-sync/stats', withKey())).body;
        const page = await get('/', withKey());
        expect(page.status).toBe(200);
        const { cell } = rowOf(page.text, 'contact-sync');
        // Both read at nearly the same moment; a run closing in between: read again.
        return cell('running') === String(s.running) &&
          cell('completed') === String(s.completed) &&
          cell('failed') === String(s.failed)
          ? { stats: s, html: page.text }
          : undefined;
      },
      20_000,
      'the page and the stats to agree',
    );
    expect(html).toContain('<meta http-equiv="refresh" content="15">');
    for (const i of CATALOG) expect(html).toContain(`<tr id="row-${i.id}"`);
    const { row, cell } = rowOf(html, 'contact-sync');
    expect(cell('started')).toBe(String(stats.started));
    expect(cell('alerts')).toBe(String(stats.alertsRaised));
    expect(row).toContain('class="failing"');
    expect(cell('last-failure')).toContain(`members/${failed.hash} → 400`);
    expect(row).toContain(`href="/runs/contact-sync/hubspot/contact-${failed.id}"`);
    expect(cell('p50')).toMatch(/\d/);
    const webUi = `${stack.config.temporal.webUiUrl}/namespaces/${stack.config.temporal.namespace}/workflows?query=${encodeURIComponent('Integration="contact-sync"')}`;
    expect(row).toContain(`class="webui" href="${webUi.replace(/&/g, '&amp;')}"`);
    expect(html).toMatch(/newest 50 completed runs/);
  });

  test('open without a key in sandbox mode on loopback only; elsewhere a key, or the cookie /login sets', async () => {
    const open = await get('/');
    expect(open.status).toBe(200);
    expect(open.text).toContain('sandbox mode, from this machine');

    const remote = await get('/', REMOTE);
    expect(remote.status).toBe(401);
    expect(remote.text).toContain('<form method="post" action="/login">');
    expect((await get('/', { ...REMOTE, ...withKey(READ_KEY) })).status).toBe(200);

    const login = async (key: string) =>
      fetch(`${stack.gatewayUrl}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...REMOTE },
        body: new URLSearchParams({ key, next: '/integrations/contact-sync/runs.html' }),
        redirect: 'manual',
      });
    expect((await login('not-a-key-at-all')).status).toBe(401);
    const ok = await login(READ_KEY);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/integrations/contact-sync/runs.html');
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sb_key=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = { cookie: setCookie.split(';')[0]!, ...REMOTE };

    const signedIn = await get('/', cookie);
    expect(signedIn.status).toBe(200);
    expect(signedIn.text).toContain('Signed in with the key in your <code>sb_key</code> cookie');
    // The cookie reads the runs API too (the page links there) and the stats…
    expect((await get(`/runs/${failed.workflowId}`, cookie)).status).toBe(200);
    expect((await get('/integrations/contact-sync/stats', cookie)).status).toBe(200);
    // …but never writes, even when it holds a full key.
    const write = await fetch(`${stack.gatewayUrl}/runs/${failed.workflowId}/rerun`, {
      method: 'POST',
      headers: cookie,
    });
    expect(write.status).toBe(401);
    // A redirect after login stays on this site.
    const offsite = await fetch(`${stack.gatewayUrl}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: READ_KEY, next: '//evil.example/' }),
      redirect: 'manual',
    });
    expect(offsite.headers.get('location')).toBe('/');
  });
});

describe('the runs page and live progress', () => {
  test('recent runs, paged, each with its status, and a running run with its stage', async () => {
    // Mailchimp answers 503 with Retry-After: 60: the run keeps retrying, so it stays in "syncing".
    stack.sandbox.faults.mailchimp!.set({ outage: { seconds: 600, status: 503, retryAfterSeconds: 60 } });
    const stuck = seedContact('stuck');
    const runId = await startContactSync(stuck.id);
    stack.terminateAfterAll(stuck.workflowId);
    await eventually(
      () => (stack.sandbox.faults.mailchimp!.counters.serverErrors > 0 ? true : undefined),
      20_000,
      'the first refused upsert',
    );

    const page = await eventually(
      async () => {
        const res = await get('/integrations/contact-sync/runs.html?status=running&pageSize=100', withKey());
        return res.text.includes(`data-workflow-id="${stuck.workflowId}"`) ? res : undefined;
      },
      20_000,
      'the running run on the runs page',
    );
    expect(page.status).toBe(200);
    const row = new RegExp(`<tr data-workflow-id="${stuck.workflowId}">[\\s\\S]*?</tr>`).exec(page.text)![0];
    expect(row).toContain('>running<');
    expect(row).toMatch(/<td class="stage">syncing/);

    // The failed run shows why; paging walks the runs one by one.
    const failedPage = await get(
      '/integrations/contact-sync/runs.html?status=failed&pageSize=100',
      withKey(),
    );
    expect(failedPage.text).toContain(`data-workflow-id="${failed.workflowId}"`);
    expect(failedPage.text).toContain(`members/${failed.hash} → 400`);
    const first = await get('/integrations/contact-sync/runs.html?pageSize=1', withKey());
    const next = /<a rel="next" href="([^"]+)"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toMatch(/pageToken=/);
    const second = await get(next!, withKey());
    expect(second.status).toBe(200);
    const idsOf = (html: string) => [...html.matchAll(/data-workflow-id="([^"]+)"/g)].map((m) => m[1]);
    expect(idsOf(first.text)).toHaveLength(1);
    expect(idsOf(second.text)).toHaveLength(1);
    expect(idsOf(second.text)).not.toEqual(idsOf(first.text));
    expect((await get('/integrations/nope/runs.html', withKey())).status).toBe(404);

    // The Web UI's "Current Details": the metadata query answers with the same stage.
    const answer = await stack.client.workflowService.queryWorkflow({
      namespace: stack.config.temporal.namespace,
      execution: { workflowId: stuck.workflowId, runId },
      query: { queryType: '__temporal_workflow_metadata' },
    });
    const payload = answer.queryResult!.payloads![0]!;
    const metadata = JSON.parse(Buffer.from(payload.data!).toString()) as { currentDetails?: string };
    expect(metadata.currentDetails).toContain('**Stage:** syncing');
    // Same as the progress query, from the same tracker.
    const progress = await stack.client.workflow.getHandle(stuck.workflowId, runId).query('progress');
    expect(progress).toMatchObject({ stage: 'syncing' });
  });
});
