/** Slack: the Web API (bot token) and its signed Events API requests. */
import { apiSettings, credential, defineSystemSettings, systemConfig, webhookSecrets } from '../kit/settings';

export const slackSettings = defineSystemSettings({
  system: 'slack',
  title: 'Slack',
  settings: {
    ...apiSettings('slack', { title: 'Slack', example: 'https://slack.com', rateLimitPerSecond: 1 }),
    botToken: credential('SLACK_BOT_TOKEN', 'xoxb-sandbox-slack-token', 'Slack bot token (`xoxb-…`)'),
    webhookSecrets: webhookSecrets(
      'SLACK_SIGNING_SECRETS',
      'sandbox-slack-signing-secret',
      "the Slack app's signing secret",
    ),
  },
  webhookSecrets: 'webhookSecrets',
  api: (v) => systemConfig(v, { type: 'bearer', token: v.botToken }),
});
