/** github-issue-to-slack's branches with a stubbed Slack, on the time-skipping test server (seconds). */
import { WorkflowFailedError } from '@temporalio/client';
import { refused, useWorkflowHarness } from '../../../test/helpers/workflowHarness';
import { githubIssueToSlack, type GithubIssueToSlackInput } from './workflow';

const harness = useWorkflowHarness();

const input: GithubIssueToSlackInput = {
  channel: '#engineering',
  issue: {
    repository: 'acme/widgets',
    number: 7,
    title: 'Crash on <save>',
    url: 'https://github.com/acme/widgets/issues/7',
    author: 'ada',
    labels: ['bug'],
  },
};
let n = 0;
const start = (taskQueue: string, run: { client: import('@temporalio/client').Client }) =>
  run.client.workflow.start(githubIssueToSlack, {
    taskQueue,
    workflowId: `github-issue-to-slack/github/acme/widgets/issue-${++n}`,
    args: [input],
  });

test('an opened issue becomes one Slack message with a link, its author and labels', () =>
  harness.run({ postSlackMessage: async () => ({ channel: 'C1', ts: '1.0' }) }, async (run) => {
    const handle = await start(run.taskQueue, run);
    await expect(handle.result()).resolves.toEqual({ outcome: 'posted', channel: 'C1', ts: '1.0' });
    expect(run.argsOf('postSlackMessage')).toEqual([
      [
        {
          channel: '#engineering',
          text: 'New issue in acme/widgets: <https://github.com/acme/widgets/issues/7|#7 Crash on &lt;save&gt;> by ada [bug]',
        },
      ],
    ]);
  }));

test('a message Slack refuses for good fails the run after alerting a person', () =>
  harness.run({ postSlackMessage: async () => Promise.reject(refused('channel_not_found')) }, async (run) => {
    const handle = await start(run.taskQueue, run);
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(run.names()).toEqual(['postSlackMessage', 'raiseRunFailureAlert']);
    expect(run.argsOf('raiseRunFailureAlert')[0][0]).toMatchObject({
      integration: 'github-issue-to-slack',
      recordId: 'acme/widgets#7',
      error: expect.stringContaining('channel_not_found'),
    });
  }));
