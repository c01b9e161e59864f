/**
 * Slack's own published contract for chat.postMessage: `ChatPostMessageArguments` from Slack's official
 * SDK (`@slack/web-api`, a devDependency used here as types only, never as a client). Checked at compile
 * time (`npm run typecheck`); at run time, the body the connector really sends is read back through the
 * schema whose type is checked.
 */
import type { Block, ChatPostMessageArguments, KnownBlock } from '@slack/web-api';
import { HttpClient } from '../../http/client';
import { loadConfig } from '../../config';
import { createSlackActivities } from './api';
import { type SlackMessage, type SlackPostBody, slackMessageSchema } from './schemas';

// Compile-time: every message our schema allows is one Slack's SDK would send.
const message = {
  channel: '#sales',
  text: ':trophy: Deal won',
  blocks: [{ type: 'divider' }],
} satisfies SlackMessage satisfies ChatPostMessageArguments;
const anyMessage: ChatPostMessageArguments = {} as SlackMessage;
// The text arm of Slack's union ignores `blocks`: they are checked against the blocks arm on their own.
const anyBlocks: (KnownBlock | Block)[] | undefined = {} as SlackMessage['blocks'];
// The body really posted inside an activity carries message metadata: Slack's SDK describes that too.
const withMetadata = {
  ...message,
  metadata: { event_type: 'switchboard_post', event_payload: { switchboard_post_id: 'abc' } },
} satisfies SlackPostBody satisfies ChatPostMessageArguments;
const anyMetadata: ChatPostMessageArguments['metadata'] = {} as SlackPostBody['metadata'];
void [anyMessage, anyBlocks, withMetadata, anyMetadata];

test('what the connector posts to chat.postMessage is what Slack’s SDK describes', async () => {
  const sent: unknown[] = [];
  const config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent' });
  const fetchImpl: typeof fetch = async (_url, init) => {
    sent.push(JSON.parse(String(init?.body)));
    return new Response(JSON.stringify({ ok: true, channel: 'C0SALES', ts: '1.000100' }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  const slack = createSlackActivities(new HttpClient({ systems: config.systems, fetchImpl }));
  await slack.postSlackMessage(message);
  expect(sent).toHaveLength(1);
  expect(slackMessageSchema.strict().parse(sent[0])).toEqual(sent[0]);
  expect(sent[0]).toEqual(message);
});
