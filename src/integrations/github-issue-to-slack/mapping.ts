/**
 * github-issue-to-slack field map: an opened GitHub issue → a Slack message. Pure, so the workflow runs
 * it and GET /integrations shows it.
 */
import type { GithubIssuesEvent } from '../../systems/github/schemas';
import { applyFieldMap, type FieldMap } from '../kit/fieldMap';

export const GITHUB_ISSUE_TO_SLACK_MESSAGE: FieldMap = [
  { from: 'repository.full_name', to: 'repository' },
  { from: 'issue.number', to: 'number' },
  { from: 'issue.title', to: 'title', transform: 'trim', default: '(no title)' },
  { from: 'issue.html_url', to: 'url' },
  { from: 'issue.user.login', to: 'author', default: 'someone' },
];

/** What the workflow needs of the event: small, and all of it shown in the Web UI's input. */
export interface OpenedIssue {
  repository: string;
  number: number;
  title: string;
  url: string;
  author: string;
  labels: string[];
}

export function openedIssueOf(event: GithubIssuesEvent): OpenedIssue {
  const mapped = applyFieldMap(GITHUB_ISSUE_TO_SLACK_MESSAGE, event) as Omit<OpenedIssue, 'labels'>;
  return { ...mapped, labels: event.issue.labels.map((l) => l.name) };
}

/** The message text (Slack mrkdwn: `<url|text>` is a link; &, < and > must be escaped). */
export function slackTextFor(issue: OpenedIssue): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const labels = issue.labels.length > 0 ? ` [${issue.labels.map(escape).join(', ')}]` : '';
  return (
    `New issue in ${escape(issue.repository)}: <${issue.url}|#${issue.number} ${escape(issue.title)}>` +
    ` by ${escape(issue.author)}${labels}`
  );
}
