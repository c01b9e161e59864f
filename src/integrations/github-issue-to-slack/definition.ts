import { githubIssuesEventSchema } from '../../systems/github/schemas';
import { defineIntegration, type InboundEvent, type StartPlan } from '../kit/types';
import { GITHUB_ISSUE_TO_SLACK_MESSAGE, openedIssueOf } from './mapping';
import { githubIssueToSlack } from './workflow';

export const githubIssueToSlackIntegration = defineIntegration({
  id: 'github-issue-to-slack',
  title: 'Code host issues → chat channel',
  description:
    'Every issue opened in a GitHub repository (issues webhook, action "opened") is announced in a Slack ' +
    'channel (GITHUB_ISSUE_SLACK_CHANNEL) with its title, number, author, labels and a link. One run per ' +
    "issue: GitHub's redeliveries are duplicates, never a second message.",
  workflow: githubIssueToSlack,
  triggers: { webhooks: [{ source: 'github', eventTypes: ['issues'] }] },
  // Only an opened issue is news; edits, labels and closes are not announced.
  accepts: (event: InboundEvent) => (event.payload as { action?: unknown } | null)?.action === 'opened',
  from: { system: 'github', records: 'issues (opened)' },
  to: [{ system: 'slack', records: 'channel messages' }],
  direction: 'one-way',
  frequency: 'real time: one run per opened issue, seconds after GitHub sends the webhook',
  fieldMaps: { 'github issue → slack message': GITHUB_ISSUE_TO_SLACK_MESSAGE },
  planFor(event, config): StartPlan<typeof githubIssueToSlack> {
    const payload = githubIssuesEventSchema.parse(event.payload);
    const issue = openedIssueOf(payload);
    const channel = config.githubIssueToSlack.slackChannel;
    return {
      mode: 'start',
      // The issue's id, not the delivery's: a redelivery, or a second "opened" for it, is a duplicate.
      workflowId: `github-issue-to-slack/github/${issue.repository}/issue-${payload.issue.id}`,
      recordId: `${issue.repository}#${issue.number}`,
      args: [{ issue, channel }],
      summary: `Announce ${issue.repository}#${issue.number} in ${channel}`,
    };
  },
});
