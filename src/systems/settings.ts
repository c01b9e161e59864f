/**
 * Every external system's and webhook sender's settings (src/systems/<system>/settings.ts), keyed by its
 * folder. src/config.ts composes them into `config.systems` and `config.webhookSecrets`.
 */
import { genericSettings } from './generic/settings';
import { githubSettings } from './github/settings';
import { hubspotSettings } from './hubspot/settings';
import { mailchimpSettings } from './mailchimp/settings';
import { mandrillSettings } from './mandrill/settings';
import { shipbobSettings } from './shipbob/settings';
import { shopifySettings } from './shopify/settings';
import { slackSettings } from './slack/settings';
import { standardSettings } from './standard/settings';
import { stripeSettings } from './stripe/settings';
import { zendeskSettings } from './zendesk/settings';

export const SYSTEM_SETTINGS = {
  hubspot: hubspotSettings,
  mailchimp: mailchimpSettings,
  mandrill: mandrillSettings,
  slack: slackSettings,
  stripe: stripeSettings,
  shopify: shopifySettings,
  zendesk: zendeskSettings,
  shipbob: shipbobSettings,
  github: githubSettings,
  standard: standardSettings,
  generic: genericSettings,
};
