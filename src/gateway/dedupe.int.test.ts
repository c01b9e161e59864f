/**
 * Duplicate deliveries are harmless: the same signed Shopify orders/create posted 20 times at once gets
 * 20 answers of 202, starts exactly one run (the workflow id is the order's), and 19 answers say
 * `duplicate: true`; a redelivery after the run has closed is still a duplicate.
 */
import { orderFulfillmentWorkflowId } from '../integrations/order-fulfillment/definition';
import { eventually, startStack, TestStack } from '../../test/helpers/stack';
import { shopifyHeaders } from '../../test/helpers/webhookSigning';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  body: {
    accepted?: boolean;
    duplicate?: boolean;
    events?: { status: string; runs: { runId?: string }[] }[];
  };
}

async function deliver(body: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${stack.gatewayUrl}/webhooks/shopify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function runsOf(workflowId: string) {
  const runs = [];
  for await (const run of stack.client.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
    runs.push(run);
  return runs;
}

test('the same orders/create 20 times concurrently: 20 × 202, one run, 19 duplicates', async () => {
  const order = stack.sandbox.shopify.createOrder();
  const workflowId = orderFulfillmentWorkflowId(String(order.id));
  const body = JSON.stringify(order);
  // One delivery, retried: the same bytes, signature and webhook id every time.
  const headers = shopifyHeaders(body, stack.config.webhookSecrets.shopify[0], 'orders/create');

  const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(body, headers)));

  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
  const firsts = answers.filter((a) => a.body.duplicate === false);
  const duplicates = answers.filter((a) => a.body.duplicate === true);
  expect(firsts).toHaveLength(1);
  expect(duplicates).toHaveLength(19);
  for (const d of duplicates)
    expect(d.body.events).toEqual([expect.objectContaining({ status: 'duplicate' })]);
  const runId = firsts[0].body.events?.[0].runs[0].runId;
  expect(runId).toEqual(expect.any(String));

  const described = await stack.client.workflow.getHandle(workflowId).describe();
  expect(described.runId).toBe(runId);
  const runs = await eventually(
    async () => {
      const found = await runsOf(workflowId);
      return found.length > 0 ? found : undefined;
    },
    20_000,
    'the run to be visible',
  );
  expect(runs.map((r) => r.runId)).toEqual([runId]);
  // And one shipment: the single run created one ShipBob order.
  await eventually(
    () => [...stack.sandbox.shipbob.orders.values()].find((o) => o.reference_id === String(order.id)),
    20_000,
    'the ShipBob order',
  );
  expect(
    [...stack.sandbox.shipbob.orders.values()].filter((o) => o.reference_id === String(order.id)),
  ).toHaveLength(1);

  // Hours later the sender retries once more: the run is closed, the delivery is still a duplicate.
  await stack.client.workflow.getHandle(workflowId).terminate('test done');
  const late = await deliver(body, headers);
  expect(late).toMatchObject({ status: 202, body: { duplicate: true } });
  expect((await runsOf(workflowId)).map((r) => r.runId)).toEqual([runId]);
});
