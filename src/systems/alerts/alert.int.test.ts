/**
 * A run whose target stays down fails only after its retries are spent, and says so exactly once: one
 * Slack-compatible alert (integration, record, error, link to the run in the Web UI) at the sandbox's
 * incoming-webhook receiver. Real dev server, real worker, Mailchimp stand-in in an outage.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { subscriberHash } from '../mailchimp/api';
import { runUrl } from './api';
import { SYSTEM_ACTIVITY_OPTIONS } from '../index';
import type { ReceivedAlert } from '../../sandbox/alerts';
import { sandboxControl, startStack, TestStack, uniqueId } from '../../../test/helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
  // The alert receiver's URL is known only once the sandbox listens; the activities read it per call.
  stack.config.alerts.webhookUrl = stack.sandbox.alertWebhookUrl;
});
afterEach(async () => {
  await sandboxControl(stack, 'DELETE', 'mailchimp/faults');
});
afterAll(async () => {
  await stack?.stop();
});

test('Mailchimp stays down: retries are spent, the run fails, and exactly one alert is raised', async () => {
  // Down for longer than the test: every call answers 503 with Retry-After: 1 (a maintenance window), so
  // the attempts come a second apart instead of on the minute-long backoff.
  await sandboxControl(stack, 'POST', 'mailchimp/faults', {
    outage: { seconds: 600, status: 503, retryAfterSeconds: 1 },
  });
  const id = uniqueId();
  const email = `down.${id}@example.com`;
  const reply = (await sandboxControl(stack, 'POST', `hubspot/contacts/${id}`, {
    properties: { email, firstname: 'Down' },
  })) as { webhook: { status: number } };
  expect(reply.webhook.status).toBe(202);
  const workflowId = `contact-sync/hubspot/contact-${id}`;
  const handle = stack.client.workflow.getHandle(workflowId);

  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);

  // Every attempt the retry policy allows was made, each answered by the outage.
  const puts = stack.sandbox.recorders.mailchimp.requests.filter(
    (r) => r.method === 'PUT' && r.path.endsWith(subscriberHash(email)),
  );
  expect(puts).toHaveLength(SYSTEM_ACTIVITY_OPTIONS.mailchimp.retry!.maximumAttempts!);
  expect(new Set(puts.map((r) => r.status))).toEqual(new Set([503]));

  // The alert was posted before the run failed: by now it is there, exactly once.
  const messages = (await sandboxControl(stack, 'GET', 'alerts/messages')) as ReceivedAlert[];
  const forThisRun = messages.filter((m) => m.text.includes(id));
  expect(forThisRun).toHaveLength(1);
  const { runId } = await handle.describe();
  const text = forThisRun[0]!.text;
  expect(text).toContain('*contact-sync* failed');
  expect(text).toContain(`record \`${id}\``);
  expect(text).toMatch(/mailchimp PUT \/3\.0\/lists\/[^/]+\/members\/[0-9a-f]{32} → 503/);
  expect(text).toContain('The service is temporarily unavailable.');
  const link = runUrl(stack.config, workflowId, runId);
  expect(link).toBe(
    `${stack.config.temporal.webUiUrl}/namespaces/${stack.config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`,
  );
  expect(text).toContain(`<${link}|`);
});
