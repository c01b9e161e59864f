/** github-issue-to-slack end to end: a signed GitHub `issues` webhook through the gateway to the Slack stand-in. */
import { recordHistory } from '../../../test/helpers/histories';
import { startStack, TestStack } from '../../../test/helpers/stack';
import { githubHeaders } from '../../../test/helpers/webhookSigning';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

let n = 0;
function issuesEvent(action: string, issueId = Date.now() * 10 + ++n) {
  return {
    action,
    issue: {
      id: issueId,
      number: issueId % 10_000,
      title: 'Checkout button does nothing',
      html_url: `https://github.com/acme/shop/issues/${issueId % 10_000}`,
      user: { login: 'grace' },
      labels: [{ name: 'bug' }, { name: 'p1' }],
    },
    repository: { full_name: 'acme/shop', html_url: 'https://github.com/acme/shop' },
    sender: { login: 'grace' },
  };
}

async function deliver(body: object, delivery?: string) {
  const payload = JSON.stringify(body);
  const res = await fetch(`${stack.gatewayUrl}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...githubHeaders(payload, stack.config.webhookSecrets.github[0], 'issues', delivery),
    },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('an opened issue is announced once in #engineering, even when GitHub redelivers it', async () => {
  const event = issuesEvent('opened');
  const delivery = crypto.randomUUID();
  const first = await deliver(event, delivery);
  const workflowId = `github-issue-to-slack/github/acme/shop/issue-${event.issue.id}`;
  expect(first).toEqual({
    status: 202,
    body: expect.objectContaining({
      events: [
        expect.objectContaining({ runs: [expect.objectContaining({ workflowId, duplicate: false })] }),
      ],
    }),
  });
  const again = await deliver(event, delivery);
  expect(again.body).toMatchObject({ events: [{ runs: [{ workflowId, duplicate: true }] }] });

  await expect(stack.client.workflow.getHandle(workflowId).result()).resolves.toMatchObject({
    outcome: 'posted',
  });
  const messages = stack.sandbox.slack
    .messagesIn('#engineering')
    .filter((m) => m.text.includes(`#${event.issue.number} `));
  expect(messages).toHaveLength(1);
  expect(messages[0].text).toContain('Checkout button does nothing');
  expect(messages[0].text).toContain('by grace [bug, p1]');
  await recordHistory(stack.client, workflowId, 'github-issue-to-slack');
});

test('other issue actions (edited, closed) start nothing', async () => {
  const res = await deliver(issuesEvent('closed'));
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ events: [{ runs: [] }] });
});

test('an issues event whose repository name could not be a workflow id is refused with 400', async () => {
  const event = issuesEvent('opened');
  const res = await deliver({ ...event, repository: { full_name: '../../etc' } });
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ error: { code: 'invalid_event' } });
});
