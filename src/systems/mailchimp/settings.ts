/** Mailchimp Marketing API: HTTP basic auth, any username, the API key as password. */
import { apiSettings, credential, defineSystemSettings, systemConfig } from '../kit/settings';

export const mailchimpSettings = defineSystemSettings({
  system: 'mailchimp',
  title: 'Mailchimp',
  settings: {
    ...apiSettings('mailchimp', {
      title: 'Mailchimp',
      example: 'https://us1.api.mailchimp.com',
      rateLimitPerSecond: 10,
    }),
    apiKey: credential(
      'MAILCHIMP_API_KEY',
      'sandbox-mailchimp-key-us1',
      'Mailchimp Marketing API key (its -usN suffix is the data centre of the base URL)',
    ),
  },
  api: (v) => systemConfig(v, { type: 'basic', username: 'switchboard', password: v.apiKey }),
});
