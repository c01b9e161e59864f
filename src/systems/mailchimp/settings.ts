/** Mailchimp Marketing API: HTTP basic auth, any username, the API key as password. */
import { credential, defineApiSystemSettings } from '../kit/settings';

export const mailchimpSettings = defineApiSystemSettings('mailchimp', 'Mailchimp', {
  api: { example: 'https://us1.api.mailchimp.com', rateLimitPerSecond: 10 },
  auth: (v) => ({ type: 'basic', username: 'switchboard', password: v.apiKey }),
  settings: {
    apiKey: credential(
      'MAILCHIMP_API_KEY',
      'sandbox-mailchimp-key-us1',
      'Mailchimp Marketing API key (its -usN suffix is the data centre of the base URL)',
    ),
  },
});
