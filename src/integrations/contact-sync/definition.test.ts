/** The contact-sync catalog entry: the input a planned run starts with. */
import { loadConfig } from '../../config';
import type { InboundEvent } from '../catalog';
import { contactSyncIntegration } from './definition';
import { CONTACT_SYNC_VERSION } from './workflow';

const event: InboundEvent = {
  source: 'hubspot',
  eventId: '1',
  eventType: 'contact.creation',
  recordId: '42',
  occurredAt: 0,
  payload: {},
};
const inputWith = (env: Record<string, string>) => {
  const config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent', ...env });
  const plan = contactSyncIntegration.planFor!(event, config);
  return plan.args[0];
};

test('by default a run completes once nothing is pending, and records the version that started it', () => {
  expect(inputWith({})).toEqual({
    contactId: '42',
    listId: 'sandbox-list',
    idleTimeout: '0s',
    completeWhenIdle: true,
    version: CONTACT_SYNC_VERSION,
  });
  expect(inputWith({ CONTACT_SYNC_IDLE_TIMEOUT: '0ms' }).completeWhenIdle).toBe(true);
  expect(inputWith({ CONTACT_SYNC_IDLE_TIMEOUT: '0m' }).completeWhenIdle).toBe(true);
});

test('with an idle timeout the run waits that long and has no completeWhenIdle', () => {
  const input = inputWith({ CONTACT_SYNC_IDLE_TIMEOUT: '1m' });
  expect(input).toMatchObject({ idleTimeout: '1m', version: CONTACT_SYNC_VERSION });
  expect(input).not.toHaveProperty('completeWhenIdle');
});

test('a manual start plans the same input', () => {
  const config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent' });
  const plan = contactSyncIntegration.planManual!({ contactId: '42' }, config);
  expect(plan.args[0]).toMatchObject({ completeWhenIdle: true, version: CONTACT_SYNC_VERSION });
});
