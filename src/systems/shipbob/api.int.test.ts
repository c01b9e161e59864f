/** Contract: the ShipBob connector against the ShipBob stand-in (OAuth2 client credentials, API 1.0 orders). */
import { Webhook } from 'standardwebhooks';
import { createShipbobActivities } from './api';
import type { ShipbobOrderInput } from './schemas';
import { HttpClient } from '../../http/client';
import { catchWebhooks, expectRefusal, useConnectorSandbox } from '../../../test/helpers/connectorSandbox';

const env = useConnectorSandbox();
let http: HttpClient;
let shipbob: ReturnType<typeof createShipbobActivities>;
const channel = () => env.config.orderFulfillment.shipbobChannelId;

beforeEach(() => {
  // A fresh client per test: its token cache starts empty, so grants are counted per test.
  http = new HttpClient({ systems: env.config.systems });
  shipbob = createShipbobActivities(http);
  env.sandbox.shipbob.tokenExpiresInSeconds = 3600;
});

let ref = 0;
const orderInput = (): ShipbobOrderInput => ({
  reference_id: `ref-${Date.now()}-${++ref}`,
  order_number: `#${1000 + ref}`,
  shipping_method: 'Standard',
  recipient: {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    address: {
      address1: '12 Analytical Way',
      city: 'Springfield',
      state: 'OR',
      country: 'US',
      zip_code: '97477',
    },
  },
  products: [{ reference_id: 'SB-TSHIRT-M', quantity: 1, name: 'T-shirt (M)' }],
});

test('creates an order once per reference id, reads it back, and finds it by reference', async () => {
  const input = orderInput();
  const created = await shipbob.createShipbobOrder(channel(), input);
  expect(created).toMatchObject({ reference_id: input.reference_id, status: 'Processing' });
  expect(created.shipments).toHaveLength(1);
  // A retry of the same create (lost response) returns the same order, not a duplicate.
  const again = await shipbob.createShipbobOrder(channel(), input);
  expect(again.id).toBe(created.id);
  expect(
    [...env.sandbox.shipbob.orders.values()].filter((o) => o.reference_id === input.reference_id),
  ).toHaveLength(1);

  await expect(shipbob.getShipbobOrder(created.id)).resolves.toMatchObject({ id: created.id });
  await expect(shipbob.findShipbobOrderByReference(channel(), input.reference_id)).resolves.toMatchObject({
    id: created.id,
  });
  await expect(shipbob.getShipbobOrder(1)).resolves.toBeNull();
  const post = env.sandbox.recorders.shipbob.requests.find(
    (r) => r.method === 'POST' && r.path === '/1.0/order',
  );
  expect(post).toMatchObject({ authorized: true, status: 201 });
});

test('one OAuth2 token serves many calls; an expired token is replaced once', async () => {
  const before = env.sandbox.shipbob.tokenGrants;
  const orders = await Promise.all(
    Array.from({ length: 5 }, () => shipbob.createShipbobOrder(channel(), orderInput())),
  );
  await Promise.all(orders.map((o) => shipbob.getShipbobOrder(o.id)));
  expect(env.sandbox.shipbob.tokenGrants - before).toBe(1);

  // The server expires every token it issued: the next call gets a 401, fetches one new token, succeeds.
  env.sandbox.shipbob.expireIssuedTokens();
  await Promise.all(orders.map((o) => shipbob.getShipbobOrder(o.id)));
  expect(env.sandbox.shipbob.tokenGrants - before).toBe(2);
  expect(http.tokenProvider('shipbob')?.fetches).toBe(2);
});

test('a short-lived token is kept for most of its life, not fetched again for every call', async () => {
  // The refresh margin is 30 s or a fifth of the token's life, whichever is shorter: a 30-second token
  // serves calls for 24 s (replacing it before expiry is covered by src/http/auth.test.ts and
  // src/http/oauth.int.test.ts).
  await fetch(`${env.sandbox.url}/_sandbox/shipbob/oauth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ expiresIn: 30 }),
  });
  const before = env.sandbox.shipbob.tokenGrants;
  const rejected = () => env.sandbox.recorders.shipbob.requests.filter((r) => r.status === 401).length;
  const rejectedBefore = rejected();
  const order = await shipbob.createShipbobOrder(channel(), orderInput()); // find by reference + create
  await shipbob.getShipbobOrder(order.id);
  const state = (await (await fetch(`${env.sandbox.url}/_sandbox/shipbob/oauth`)).json()) as {
    grants: number;
  };
  expect(state.grants - before).toBe(1);
  expect(rejected()).toBe(rejectedBefore);
});

test('cancels an unshipped order; a shipped one reports that it cannot be called back', async () => {
  const open = await shipbob.createShipbobOrder(channel(), orderInput());
  await expect(shipbob.cancelShipbobOrder(open.id)).resolves.toEqual({ cancelled: true, status: 'Success' });
  expect(env.sandbox.shipbob.orders.get(open.id)?.status).toBe('Cancelled');

  const shipped = await shipbob.createShipbobOrder(channel(), orderInput());
  env.sandbox.setGatewayUrl('http://127.0.0.1:9'); // nobody listens: the webhook is not the point here
  await env.sandbox.shipbob.shipOrder(shipped.id).catch(() => undefined);
  await expect(shipbob.cancelShipbobOrder(shipped.id)).resolves.toEqual({
    cancelled: false,
    status: 'Failure',
    reason: 'Shipment has already shipped',
  });
  await expect(shipbob.getShipbobOrder(shipped.id)).resolves.toMatchObject({
    status: 'Fulfilled',
    shipments: [{ status: 'Completed', tracking: { tracking_number: expect.any(String) } }],
  });
});

test("a wrong channel is a non-retryable error carrying ShipBob's validation problem", async () => {
  const err = await shipbob.createShipbobOrder('999', orderInput()).catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
  expect((err as Error).message).toMatch(/400: .*shipbob_channel_id/);
});

test('wrong client credentials are a configuration error, without the secret', async () => {
  const bad = createShipbobActivities(env.badHttp);
  await expectRefusal(bad.getShipbobOrder(1), 'ConfigError', /invalid_client/);
});

test('shipping sends order.shipped signed with the Standard Webhooks scheme', async () => {
  const hooks = await catchWebhooks(env.sandbox, 202);
  try {
    const input = orderInput();
    const order = await shipbob.createShipbobOrder(channel(), input);
    const reply = await fetch(`${env.sandbox.url}/_sandbox/shipbob/ship`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ referenceId: input.reference_id, trackingNumber: 'TRACK123', carrier: 'UPS' }),
    });
    expect(reply.status).toBe(200);
    const [{ headers, body }] = hooks.received();
    const verified = new Webhook(env.config.webhookSecrets.shipbob[0]).verify(body, {
      'webhook-id': headers['webhook-id'],
      'webhook-timestamp': headers['webhook-timestamp'],
      'webhook-signature': headers['webhook-signature'],
    });
    expect(verified).toMatchObject({
      type: 'order.shipped',
      data: {
        order_id: order.id,
        reference_id: input.reference_id,
        tracking_number: 'TRACK123',
        carrier: 'UPS',
      },
    });
  } finally {
    await hooks.close();
  }
});
