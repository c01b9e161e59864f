/** deal-won's settings: `config.dealWon`. */
import { z } from 'zod';
import { defineIntegrationSettings, schemas, setting } from '../../settings';

export const dealWonSettings = defineIntegrationSettings({
  id: 'deal-won',
  settings: {
    slackChannel: setting({
      env: 'DEAL_WON_SLACK_CHANNEL',
      schema: schemas.nonEmpty,
      required: false,
      secret: false,
      default: '#sales',
      description: 'the Slack channel that hears about big won deals',
    }),
    slackThreshold: setting({
      env: 'DEAL_WON_SLACK_THRESHOLD',
      schema: z.coerce.number().min(0),
      required: false,
      secret: false,
      default: '10000',
      description: 'deals at or above this amount (deal currency, major units) are announced on Slack',
    }),
    financeChannel: setting({
      env: 'DEAL_WON_FINANCE_CHANNEL',
      schema: schemas.nonEmpty,
      required: false,
      secret: false,
      default: '#finance',
      description: 'the Slack channel told when invoicing a won deal fails for good',
    }),
    currency: setting({
      env: 'DEAL_WON_CURRENCY',
      schema: z
        .string()
        .regex(/^[a-zA-Z]{3}$/, 'an ISO currency code')
        .transform((v) => v.toLowerCase()),
      required: false,
      secret: false,
      default: 'usd',
      description: 'the invoice currency when the deal has none (ISO code)',
    }),
    daysUntilDue: setting({
      env: 'DEAL_WON_DAYS_UNTIL_DUE',
      schema: schemas.positiveInt,
      required: false,
      secret: false,
      default: '30',
      description: 'payment terms of the Stripe invoice, in days',
    }),
    wonStages: setting({
      env: 'DEAL_WON_STAGES',
      schema: schemas.list.pipe(z.array(z.string()).min(1)),
      required: false,
      secret: false,
      default: 'closedwon',
      description: 'comma-separated pipeline stage ids that mean "won" (closedwon in the default pipeline)',
    }),
  },
});
