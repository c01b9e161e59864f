/**
 * What the scaffolds know of each target system: its settings, the one activity the generated workflow
 * calls, and how the end-to-end test sees the effect in the sandbox. Slack is the target with a call
 * that needs no existing record; for another target, scaffold with --to slack and swap the activity.
 */
import type { SourceRecipe } from './sources';

export interface Names {
  /** probe-sync */
  id: string;
  /** probeSync: the workflow function (the workflow type) and `config.probeSync` */
  camel: string;
  /** ProbeSync */
  pascal: string;
  /** PROBE_SYNC: settings' prefix */
  env: string;
  from: string;
  to: string;
}

export interface TargetRecipe {
  records: string;
  settings(n: Names): string;
  /** The workflow input's target part, from config (code). */
  inputFromConfig(n: Names): string;
  mapping(n: Names, source: SourceRecipe): string;
  workflow(n: Names, source: SourceRecipe): string;
  workflowTest(n: Names): string;
  endToEndTest(n: Names, source: SourceRecipe): string;
}

const slack: TargetRecipe = {
  records: 'channel messages',
  settings: (n) => `/** ${n.id}'s settings: \`config.${n.camel}\`. Declared here, documented from here. */
import { defineIntegrationSettings, schemas, setting } from '../../settings';

export const ${n.camel}Settings = defineIntegrationSettings({
  id: '${n.id}',
  settings: {
    slackChannel: setting({
      env: '${n.env}_SLACK_CHANNEL',
      schema: schemas.nonEmpty,
      required: false,
      secret: false,
      default: '#${n.id}',
      description: 'the Slack channel ${n.id} posts to',
    }),
  },
});
`,
  inputFromConfig: (n) => `{ channel: config.${n.camel}.slackChannel }`,
  mapping: (n, source) => `/**
 * ${n.id}'s field map: a ${n.from} event → a Slack message. Pure, so the workflow runs it and
 * GET /integrations shows it. The schema of a ${n.from} payload lives in src/systems/${n.from}/schemas.ts.
 */
import { applyFieldMap, type FieldMap } from '../kit/fieldMap';
import type { InboundEvent } from '../kit/types';

/** What the run needs of the event: ids, not the payload (the workflow input is kept in the history). */
export interface ${n.pascal}Event {
  eventId: string;
  eventType: string;
  recordId?: string;
}

export const eventOf = ({ eventId, eventType, recordId }: InboundEvent): ${n.pascal}Event => ({
  eventId,
  eventType,
  recordId,
});

export const ${n.env}_MAP: FieldMap = [
  { from: 'eventType', to: 'eventType', default: '${source.eventType}' },
  { from: 'recordId', to: 'recordId', default: '(no record)' },
];

export function slackTextFor(event: ${n.pascal}Event): string {
  const fields = applyFieldMap(${n.env}_MAP, event) as { eventType: string; recordId: string };
  return \`${n.from} \${fields.eventType}: \${fields.recordId}\`;
}
`,
  workflow: (n, source) => `/**
 * ${n.id}: ${n.from} ${source.eventType} → one Slack message. Scaffolded by npm run new-integration.
 *
 * One run per event (\`${n.id}/${n.from}/<event id>\`: a redelivery is a duplicate), one activity on the Slack
 * queue, with Slack's retry policy and rate limit (src/systems/index.ts). A message that finally cannot
 * be posted alerts a person. Workflow code is replayed: no I/O, clocks or randomness here, only
 * activities, timers and the kit (docs/writing-an-integration.md).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import { activityOptionsFor } from '../../systems/index';
import { alertOnFailure } from '../kit/failureAlert';
import { trackProgress } from '../kit/progress';
import { slackTextFor, type ${n.pascal}Event } from './mapping';

export interface ${n.pascal}Input {
  event: ${n.pascal}Event;
  channel: string;
}

export interface ${n.pascal}Result {
  outcome: 'posted';
  ts: string;
}

const slack = proxyActivities<Pick<Activities, 'postSlackMessage'>>(activityOptionsFor('slack'));

export async function ${n.camel}(input: ${n.pascal}Input): Promise<${n.pascal}Result> {
  const progress = trackProgress('${n.id}');
  return alertOnFailure(progress, input.event.recordId, async () => {
    progress.stage = \`posting to \${input.channel}\`;
    const posted = await slack.postSlackMessage({ channel: input.channel, text: slackTextFor(input.event) });
    progress.step('slack message posted');
    progress.stage = 'completed';
    return { outcome: 'posted', ts: posted.ts };
  });
}
`,
  workflowTest: (
    n,
  ) => `/** ${n.id}'s workflow with a stubbed Slack, on the time-skipping test server: runs in seconds. */
import { WorkflowFailedError } from '@temporalio/client';
import { refused, useWorkflowHarness, type WorkflowRun } from '../../../test/helpers/workflowHarness';
import { ${n.camel}, type ${n.pascal}Input } from './workflow';

const harness = useWorkflowHarness(require.resolve('./workflow'));

const input: ${n.pascal}Input = {
  event: { eventId: 'e1', eventType: 'test.event', recordId: '42' },
  channel: '#${n.id}',
};
let n = 0;
const start = (run: WorkflowRun) =>
  run.client.workflow.start(${n.camel}, {
    taskQueue: run.taskQueue,
    workflowId: \`${n.id}/test/\${++n}\`,
    args: [input],
  });

test('an event becomes one Slack message', () =>
  harness.run({ postSlackMessage: async () => ({ channel: 'C1', ts: '1.0' }) }, async (run) => {
    await expect((await start(run)).result()).resolves.toEqual({ outcome: 'posted', ts: '1.0' });
    expect(run.argsOf('postSlackMessage')).toEqual([[{ channel: '#${n.id}', text: '${n.from} test.event: 42' }]]);
  }));

test('a message Slack refuses for good alerts a person, then fails the run', () =>
  harness.run({ postSlackMessage: async () => Promise.reject(refused('channel_not_found')) }, async (run) => {
    await expect((await start(run)).result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(run.names()).toEqual(['postSlackMessage', 'raiseRunFailureAlert']);
  }));
`,
  endToEndTest: (
    n,
    source,
  ) => `/** ${n.id} end to end: a signed ${n.from} webhook through the gateway to the Slack stand-in. */
import { startStack, TestStack } from '../../../test/helpers/stack';
import { deliverSample } from '../../../test/helpers/webhookSamples';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('a ${n.from} ${source.eventType} event posts one message to #${n.id}', async () => {
  const recordId = String(${source.sampleRecordId});
  const delivered = await deliverSample(stack, '${n.from}', '${source.eventType}', recordId);
  expect(delivered.status).toBe(202);
  const run = delivered.body.events?.[0].runs.find((r) => r.integration === '${n.id}');
  expect(run).toMatchObject({ duplicate: false });

  await expect(stack.client.workflow.getHandle(run!.workflowId).result()).resolves.toMatchObject({
    outcome: 'posted',
  });
  const posted = stack.sandbox.slack.messagesIn('#${n.id}').filter((m) => m.text.endsWith(\`: \${recordId}\`));
  expect(posted).toHaveLength(1);
});
`,
};

export const TARGET_RECIPES: Record<string, TargetRecipe> = { slack };
