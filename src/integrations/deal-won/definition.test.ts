/** The deal-won catalog entry: which HubSpot events start a run, with which id, and the maps it shows. */
import { loadConfig } from '../../config';
import { CATALOG, findIntegration, subscribersOf } from '../catalog';
import type { InboundEvent } from '../catalog';

const config = loadConfig({
  SWITCHBOARD_SANDBOX: 'true',
  LOG_LEVEL: 'silent',
  DEAL_WON_STAGES: 'closedwon,123456',
});
const event = (payload: Record<string, unknown>, eventType = 'deal.propertyChange'): InboundEvent => ({
  source: 'hubspot',
  eventId: '1',
  eventType,
  recordId: '99',
  occurredAt: 0,
  payload,
});

test('only a dealstage change to a won stage subscribes deal-won', () => {
  const ids = (e: InboundEvent, cfg = config) => subscribersOf(e, CATALOG, cfg).map((i) => i.id);
  expect(ids(event({ propertyName: 'dealstage', propertyValue: 'closedwon' }))).toEqual(['deal-won']);
  expect(ids(event({ propertyName: 'dealstage', propertyValue: '123456' }))).toEqual(['deal-won']);
  expect(ids(event({ propertyName: 'dealstage', propertyValue: 'closedlost' }))).toEqual([]);
  expect(ids(event({ propertyName: 'amount', propertyValue: 'closedwon' }))).toEqual([]);
});

test('every delivery about one deal plans the same run id; a closed run does not block a later one', () => {
  const dealWon = findIntegration('deal-won')!;
  const a = dealWon.planFor!(event({ propertyName: 'dealstage', propertyValue: 'closedwon' }), config);
  const b = dealWon.planFor!({ ...event({}), eventId: '2', occurredAt: 5 }, config);
  expect(a).toMatchObject({
    mode: 'start',
    workflowId: 'deal-won/hubspot/deal-99',
    recordId: '99',
    afterClose: 'allow',
  });
  expect(b.workflowId).toBe(a.workflowId);
  expect(a.args[0]).toMatchObject({
    dealId: '99',
    slackThreshold: 10000,
    financeChannel: '#finance',
    wonAt: 0,
  });
  expect(b.args[0]).toMatchObject({ wonAt: 5 });
  expect(dealWon.planManual!({ dealId: '99' }, config).args[0]).not.toHaveProperty('wonAt');
});

test('the catalog shows deal-won’s and the full sync’s field maps and triggers', () => {
  const dealWon = findIntegration('deal-won')!;
  expect(Object.keys(dealWon.fieldMaps)).toHaveLength(2);
  expect(dealWon.to.map((t) => t.system)).toEqual(['slack', 'stripe']);
  const fullSync = findIntegration('contact-full-sync')!;
  expect(fullSync.triggers.schedule?.description).toContain('CONTACT_FULL_SYNC_INTERVAL');
  expect(fullSync.triggers.schedule?.exclusive).toBe(true);
  expect(fullSync.planManual?.({}, config)).toMatchObject({
    mode: 'start',
    workflowId: 'contact-full-sync/hubspot/manual',
    afterClose: 'allow',
    whileOpen: 'conflict',
    args: [{ pageSize: 100, pagesPerRun: 10 }],
  });
});
