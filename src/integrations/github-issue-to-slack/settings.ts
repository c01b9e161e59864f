/** github-issue-to-slack's settings: `config.githubIssueToSlack`. */
import { defineIntegrationSettings, schemas, setting } from '../../settings';

export const githubIssueToSlackSettings = defineIntegrationSettings({
  id: 'github-issue-to-slack',
  settings: {
    slackChannel: setting({
      env: 'GITHUB_ISSUE_SLACK_CHANNEL',
      schema: schemas.nonEmpty,
      required: false,
      secret: false,
      default: '#engineering',
      description: 'the Slack channel where newly opened GitHub issues are announced',
    }),
  },
});
