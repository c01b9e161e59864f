/** Mailchimp Transactional (Mandrill): the API key travels in the JSON body as `key`. */
import { apiSettings, credential, defineSystemSettings, systemConfig } from '../kit/settings';

export const mandrillSettings = defineSystemSettings({
  system: 'mandrill',
  title: 'Mandrill',
  settings: {
    ...apiSettings('mandrill', {
      title: 'Mandrill (Mailchimp Transactional)',
      example: 'https://mandrillapp.com',
      rateLimitPerSecond: 10,
    }),
    apiKey: credential('MANDRILL_API_KEY', 'md-sandbox-key', 'Mandrill API key'),
  },
  api: (v) => systemConfig(v, { type: 'apiKey', in: 'body', name: 'key', value: v.apiKey }),
});
