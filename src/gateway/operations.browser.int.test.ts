/**
 * The operations page in a real browser: Debian's headless Chromium driven by playwright-core (no
 * browser download), JavaScript off, as a remote browser would see it (signed in through /login). A
 * failed run and a completed run are made through the real stack; the page must show the counts, the
 * failure message and a Web UI link filtered by Integration. Screenshots are left in
 * test-results/operations.png (and operations-runs.png, the runs page) for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser } from 'playwright-core';
import { WorkflowFailedError } from '@temporalio/client';
import { subscriberHash } from '../systems/mailchimp/api';
import { eventually, startStack, TestStack, uniqueId } from '../../test/helpers/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = path.resolve(__dirname, '../../test-results/operations.png');
const READ_KEY = 'read-only-key-for-the-browser-0001';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does it)`);
  [stack, browser] = await Promise.all([
    startStack({ env: { API_READ_KEYS: READ_KEY } }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true }),
  ]);
  stack.config.alerts.webhookUrl = stack.sandbox.alertWebhookUrl;
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function startContactSync(prefix: string) {
  const id = uniqueId();
  const email = `${prefix}.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Browser', lastname: prefix });
  const res = await fetch(`${stack.gatewayUrl}/integrations/contact-sync/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.config.apiKeys[0]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contactId: id }),
  });
  expect(res.status).toBe(202);
  const { workflowId, runId } = (await res.json()) as { workflowId: string; runId: string };
  return { id, email, workflowId, handle: stack.client.workflow.getHandle(workflowId, runId) };
}

test('the operations page shows the counts, the failure message and a filtered Web UI link', async () => {
  // A completed run, then a failed one (Mailchimp refuses the upsert with a 400 no retry can fix).
  const ok = await startContactSync('ok');
  await ok.handle.result();
  stack.sandbox.faults.mailchimp!.set({ errors: { count: 1000, status: 400 } });
  const bad = await startContactSync('bad');
  expect(await bad.handle.result().then(undefined, (e: unknown) => e)).toBeInstanceOf(WorkflowFailedError);
  stack.sandbox.faults.mailchimp!.clear();
  const hash = subscriberHash(bad.email);

  // Another machine's browser (through a loopback proxy), without JavaScript: it must sign in first.
  const context = await browser.newContext({
    javaScriptEnabled: false,
    extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.7' },
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  const first = await page.goto(`${stack.gatewayUrl}/`);
  expect(first?.status()).toBe(401);
  await page.fill('input[name="key"]', READ_KEY);
  await Promise.all([page.waitForURL(`${stack.gatewayUrl}/`), page.click('button[type="submit"]')]);
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'sb_key')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

  const row = page.locator('#row-contact-sync');
  const cell = async (cls: string) => (await row.locator(`td.${cls}`).innerText()).trim();
  // The page and the JSON figures, read at nearly the same moment until they agree (visibility is
  // eventually consistent, and runs of earlier test files may still close in this namespace).
  const stats = await eventually(
    async () => {
      await page.reload();
      const s = (await (
        await fetch(`${stack.gatewayUrl}/integrations/contact-sync/stats`, {
          headers: { authorization: `Bearer ${READ_KEY}` },
        })
      ).json()) as Record<string, number> & { lastFailure: { workflowId: string } | null };
      const shown = [await cell('running'), await cell('completed'), await cell('failed')];
      return s.lastFailure?.workflowId === bad.workflowId &&
        s.completed > 0 &&
        JSON.stringify(shown) === JSON.stringify([s.running, s.completed, s.failed].map(String))
        ? s
        : undefined;
    },
    30_000,
    'the page to show the runs',
  );
  expect(Number(await cell('failed'))).toBeGreaterThanOrEqual(1);
  expect(Number(await cell('completed'))).toBeGreaterThanOrEqual(1);
  expect(await cell('started')).toBe(String(stats.started));
  expect(await cell('last-failure')).toContain(`members/${hash} → 400`);
  expect(await cell('last-failure')).toContain('The request was rejected with status 400.');
  expect(await cell('last-success')).toMatch(/ago$/);
  expect(await row.locator('a.failure-link').getAttribute('href')).toBe(`/runs/${bad.workflowId}`);

  const webUi = new URL((await row.locator('a.webui').getAttribute('href'))!);
  expect(webUi.origin + webUi.pathname).toBe(
    `${stack.config.temporal.webUiUrl}/namespaces/${stack.config.temporal.namespace}/workflows`,
  );
  expect(webUi.searchParams.get('query')).toBe('Integration="contact-sync"');
  expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('15');
  await expect(page.locator('table#integrations tbody tr').count()).resolves.toBeGreaterThanOrEqual(6);

  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(existsSync(SCREENSHOT)).toBe(true);

  // The integration's runs page: the failed run with why it failed, the completed one.
  await page.click('#row-contact-sync td a[href="/integrations/contact-sync/runs.html"]');
  const failedRow = page.locator(`tr[data-workflow-id="${bad.workflowId}"]`);
  expect(await failedRow.locator('td.status').innerText()).toBe('failed');
  expect(await failedRow.locator('td.stage').innerText()).toContain(`members/${hash} → 400`);
  expect(await page.locator(`tr[data-workflow-id="${ok.workflowId}"] td.status`).innerText()).toBe(
    'completed',
  );
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-runs.png'), fullPage: true });

  // The failure's JSON link works in the same browser, with the cookie.
  const json = await page.goto(`${stack.gatewayUrl}/runs/${bad.workflowId}`);
  expect(json?.status()).toBe(200);
  await context.close();
});
