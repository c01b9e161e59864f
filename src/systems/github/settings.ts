/** GitHub: a webhook sender only (X-Hub-Signature-256). */
import { defineSystemSettings, webhookSecrets } from '../kit/settings';

export const githubSettings = defineSystemSettings({
  system: 'github',
  title: 'GitHub',
  settings: {
    webhookSecrets: webhookSecrets(
      'GITHUB_WEBHOOK_SECRETS',
      'sandbox-github-secret',
      "the GitHub webhook's secret",
    ),
  },
  webhookSecrets: 'webhookSecrets',
});
