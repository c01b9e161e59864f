/** ticket-survey field map: what the requester of a solved ticket receives. */
import { mapSolvedTicketToSurveyEmail } from './mapping';

const settings = { fromEmail: 'support@example.com', surveyUrl: 'https://survey.example.com/csat/' };

test('a solved ticket and its requester become the survey message with merge vars', () => {
  expect(
    mapSolvedTicketToSurveyEmail(
      {
        ticket: { id: 5001, subject: ' Parcel never arrived ' },
        requester: { name: 'Grace Hopper', email: ' Grace@Example.com' },
      },
      settings,
    ),
  ).toEqual({
    ok: true,
    message: {
      from_email: 'support@example.com',
      to: [{ email: 'grace@example.com', name: 'Grace Hopper', type: 'to' }],
      global_merge_vars: [
        { name: 'NAME', content: 'Grace Hopper' },
        { name: 'TICKET_ID', content: '5001' },
        { name: 'TICKET_SUBJECT', content: 'Parcel never arrived' },
        { name: 'SURVEY_URL', content: 'https://survey.example.com/csat/5001' },
      ],
      tags: ['csat-survey'],
      metadata: { zendesk_ticket_id: '5001' },
    },
  });
});

test('a ticket without a subject still reads naturally', () => {
  const mapped = mapSolvedTicketToSurveyEmail(
    { ticket: { id: 7, subject: null }, requester: { name: 'Ada', email: 'ada@example.com' } },
    settings,
  );
  expect(mapped.ok && mapped.message.global_merge_vars).toContainEqual({
    name: 'TICKET_SUBJECT',
    content: 'your request',
  });
});

test('a requester without a usable email gets no survey, and the reason is given', () => {
  expect(
    mapSolvedTicketToSurveyEmail(
      { ticket: { id: 7 }, requester: { name: 'Phone caller', email: null } },
      settings,
    ),
  ).toEqual({ ok: false, reason: expect.stringMatching(/^to\.email/) });
  expect(
    mapSolvedTicketToSurveyEmail(
      { ticket: { id: 7 }, requester: { name: 'X', email: 'not-an-email' } },
      settings,
    ),
  ).toMatchObject({ ok: false });
});
