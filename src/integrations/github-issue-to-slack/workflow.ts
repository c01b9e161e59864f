/**
 * github-issue-to-slack: a GitHub issue opened → one message in a Slack channel.
 *
 * The smallest integration, and the one `npm run new-integration` generates: one webhook trigger, one run
 * per issue (`github-issue-to-slack/github/<owner>/<repo>/issue-<id>`, so GitHub's redeliveries are
 * duplicates), one activity. Slack's retries and rate limit come from the Slack system (systems/index.ts);
 * a message that finally cannot be posted alerts a person.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import { activityOptionsFor } from '../../systems/index';
import { alertOnFailure } from '../kit/failureAlert';
import { trackProgress } from '../kit/progress';
import { slackTextFor, type OpenedIssue } from './mapping';

export interface GithubIssueToSlackInput {
  issue: OpenedIssue;
  channel: string;
}

export interface GithubIssueToSlackResult {
  outcome: 'posted';
  channel: string;
  ts: string;
}

const slack = proxyActivities<Pick<Activities, 'postSlackMessage'>>(activityOptionsFor('slack'));

export async function githubIssueToSlack(input: GithubIssueToSlackInput): Promise<GithubIssueToSlackResult> {
  const progress = trackProgress('github-issue-to-slack');
  const recordId = `${input.issue.repository}#${input.issue.number}`;
  return alertOnFailure(progress, recordId, async () => {
    progress.stage = `posting to ${input.channel}`;
    const posted = await slack.postSlackMessage({ channel: input.channel, text: slackTextFor(input.issue) });
    progress.step('slack message posted');
    progress.stage = 'completed';
    return { outcome: 'posted', channel: posted.channel, ts: posted.ts };
  });
}
