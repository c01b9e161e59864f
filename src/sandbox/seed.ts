/**
 * Demo data for `npm start`: one customer, Ada, known to every system (matched by email), so each
 * README curl has something real to sync; plus a second CRM contact and an open help-desk ticket.
 */
import type { Config } from '../config';
import type { Sandbox } from './server';

export const DEMO_TICKET_ID = 5001;

export function seedSandbox(sandbox: Sandbox, _config: Config): void {
  const london = { address: '12 St James Sq', city: 'London', zip: 'SW1Y 4JH', country: 'GB' };
  sandbox.hubspot.upsertContact('101', {
    email: 'ada@example.com',
    firstname: 'Ada',
    lastname: 'Lovelace',
    company: 'Analytical Engines',
    ...london,
  });
  sandbox.hubspot.upsertContact('102', {
    email: 'grace@example.com',
    firstname: 'Grace',
    lastname: 'Hopper',
    company: 'Navy',
  });
  sandbox.shopify.createCustomer({
    email: 'ada@example.com',
    first_name: 'Ada',
    last_name: 'Lovelace',
    address: {
      address1: london.address,
      city: london.city,
      zip: london.zip,
      country_code: 'GB',
      country: 'United Kingdom',
    },
  });
  sandbox.stripe.customers.set('cus_demoAda', {
    id: 'cus_demoAda',
    object: 'customer',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    phone: null,
    address: {
      line1: london.address,
      line2: null,
      city: london.city,
      state: null,
      postal_code: london.zip,
      country: 'GB',
    },
    metadata: {},
    created: Math.floor(Date.now() / 1000),
  });
  const ticket = sandbox.zendesk.createTicket({
    subject: 'Where is my order?',
    requester: { name: 'Ada Lovelace', email: 'ada@example.com' },
  });
  if (ticket.id !== DEMO_TICKET_ID)
    throw new Error(`demo ticket is ${ticket.id}, README says ${DEMO_TICKET_ID}`);
}
