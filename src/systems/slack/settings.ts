/** Slack: the Web API (bot token) and its signed Events API requests. */
import { credential, defineApiSystemSettings, webhookSecrets } from '../kit/settings';

export const slackSettings = defineApiSystemSettings('slack', 'Slack', {
  api: { example: 'https://slack.com', rateLimitPerSecond: 1 },
  auth: (v) => ({ type: 'bearer', token: v.botToken }),
  webhookSecrets: 'webhookSecrets',
  settings: {
    botToken: credential('SLACK_BOT_TOKEN', 'xoxb-sandbox-slack-token', 'Slack bot token (`xoxb-…`)'),
    webhookSecrets: webhookSecrets(
      'SLACK_SIGNING_SECRETS',
      'sandbox-slack-signing-secret',
      "the Slack app's signing secret",
    ),
  },
});
