/** Mailchimp Transactional (Mandrill): the API key travels in the JSON body as `key`. */
import { credential, defineApiSystemSettings } from '../kit/settings';

export const mandrillSettings = defineApiSystemSettings('mandrill', 'Mandrill', {
  api: {
    title: 'Mandrill (Mailchimp Transactional)',
    example: 'https://mandrillapp.com',
    rateLimitPerSecond: 10,
  },
  auth: (v) => ({ type: 'apiKey', in: 'body', name: 'key', value: v.apiKey }),
  settings: { apiKey: credential('MANDRILL_API_KEY', 'md-sandbox-key', 'Mandrill API key') },
});
