/** ticket-survey's settings: `config.ticketSurvey`. */
import { z } from 'zod';
import { defineIntegrationSettings, schemas, setting } from '../../settings';

export const ticketSurveySettings = defineIntegrationSettings({
  id: 'ticket-survey',
  settings: {
    delay: setting({
      env: 'TICKET_SURVEY_DELAY',
      schema: schemas.duration,
      required: false,
      secret: false,
      default: '24h',
      description: 'how long after a ticket is solved the survey goes out (a durable timer)',
    }),
    mandrillTemplate: setting({
      env: 'TICKET_SURVEY_TEMPLATE',
      schema: schemas.nonEmpty,
      required: false,
      secret: false,
      default: 'satisfaction-survey',
      description: 'the Mandrill template of the survey email',
    }),
    fromEmail: setting({
      env: 'TICKET_SURVEY_FROM_EMAIL',
      schema: z.email(),
      required: false,
      secret: false,
      default: 'support@example.com',
      description: 'the survey email sender',
    }),
    surveyUrl: setting({
      env: 'TICKET_SURVEY_URL',
      schema: schemas.url,
      required: false,
      secret: false,
      default: 'https://example.com/survey',
      description: 'the survey link in the email',
    }),
  },
});
