/**
 * With PAYLOAD_CODEC_KEY set, what Temporal stores holds no personal data in clear: inputs, results and
 * failure messages (an API error quoting the email) are encrypted; the client, the gateway and the Web
 * UI's codec still read them.
 */
import { randomBytes } from 'node:crypto';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createMailchimpActivities } from '../systems/mailchimp/api';
import { HttpClient } from '../http/client';
import { createApp } from '../gateway/app';
import { dataConverter, derivedKeyId } from './dataConverter';
import request from 'supertest';
import { sandboxControl, silentLogger, startStack, TestStack, uniqueId } from '../../test/helpers/stack';

const codecKey = randomBytes(32);
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { PAYLOAD_CODEC_KEY: codecKey.toString('base64') } });
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * A contact-sync run that fails for good: Mailchimp refuses to re-add an address erased for good, with a
 * message that names it. Resolves once the run has failed.
 */
async function failedRunQuotingAnEmail() {
  const id = uniqueId();
  const email = `erased.${id}@example.com`;
  const listId = stack.config.contactSync.mailchimpListId;
  const mailchimp = createMailchimpActivities(new HttpClient({ systems: stack.config.systems }));
  await mailchimp.upsertMailchimpMember(listId, {
    email_address: email,
    status_if_new: 'subscribed',
    merge_fields: {},
  });
  await mailchimp.deleteMailchimpMemberPermanently(listId, email);

  const reply = (await sandboxControl(stack, 'POST', `hubspot/contacts/${id}`, {
    properties: { email, firstname: 'Erased' },
  })) as { webhook: { status: number } };
  expect(reply.webhook.status).toBe(202);
  const handle = stack.client.workflow.getHandle(`contact-sync/hubspot/contact-${id}`);
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { handle, email, err };
}

test('a failed run: the email and the API message are readable through the client, never in the history', async () => {
  const { handle, email, err } = await failedRunQuotingAnEmail();

  // Through the client (which has the key): the failure as it happened.
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = ((err as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
  expect(cause.message).toMatch(/→ 400: Forgotten Email Not Subscribed/);

  // What the server stores: ciphertext only.
  const stored = historyToJSON(await handle.fetchHistory());
  expect(stored).not.toContain(email);
  expect(stored).not.toContain('Erased');
  expect(stored).not.toContain('Forgotten Email Not Subscribed');
  expect(stored).toContain(Buffer.from('binary/encrypted').toString('base64'));
});

test('a gateway whose ring lacks the key still describes a failed run, its failure marked undecodable', async () => {
  const { handle, email } = await failedRunQuotingAnEmail();
  const config = {
    ...stack.config,
    temporal: { ...stack.config.temporal, codecKey: `other:${randomBytes(32).toString('base64')}` },
  };
  const client = new Client({
    connection: stack.client.connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.temporal),
  });
  const described = await request(createApp({ config, client, logger: silentLogger }))
    .get(`/runs/${encodeURIComponent(handle.workflowId)}`)
    .set('authorization', `Bearer ${config.apiKeys[0]}`);

  // The status is known; why it failed is sealed with a key this ring lacks, and said so by a stable code
  // and the key's id, never passed off as the run's own failure, never in clear.
  expect(described.status).toBe(200);
  expect(described.body).toMatchObject({
    status: 'failed',
    failure: {
      code: 'undecodable_payload',
      message: expect.stringContaining(`key id ${derivedKeyId(codecKey)} that no key`),
    },
  });
  expect(JSON.stringify(described.body)).not.toContain('Forgotten Email Not Subscribed');
  expect(JSON.stringify(described.body)).not.toContain(email);
});
