import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createDirectCallActivities } from './directCalls';
import { createRateBudgets } from './rateBudgets';
import { SYSTEMS, type SystemName } from './index';

const env = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

function directCalls(limitPerSecond: number, upsert: (...args: unknown[]) => Promise<unknown>) {
  const limits = Object.fromEntries(
    SYSTEMS.map((s) => [s, { rateLimitPerSecond: limitPerSecond }]),
  ) as Record<SystemName, { rateLimitPerSecond: number }>;
  const budgets = createRateBudgets(limits, () => 1_000_000); // a clock that stands still
  const systems = Object.fromEntries(SYSTEMS.map((s) => [s, {}])) as Record<SystemName, object>;
  systems.mailchimp = { upsertMailchimpMember: upsert };
  return { budgets, ...createDirectCallActivities({ systems, budgets }) };
}

test('a listed call is made within the system’s rate budget and answers its result', async () => {
  const upsert = jest.fn(async (listId: unknown) => ({ id: `m-${String(listId)}`, status: 'subscribed' }));
  const { callSystemDirectly, budgets } = directCalls(3, upsert);
  const outcome = await env().run(callSystemDirectly, {
    name: 'upsertMailchimpMember' as const,
    args: ['L1', {}],
  });
  expect(outcome).toEqual({ made: true, result: { id: 'm-L1', status: 'subscribed' } });
  expect(upsert).toHaveBeenCalledWith('L1', {});
  expect(budgets.mailchimp.tokens).toBe(2);
  expect(budgets.hubspot.tokens).toBe(3);
});

test('with the budget spent the call is not made: the run makes it on the queue', async () => {
  const upsert = jest.fn(async () => ({}));
  const { callSystemDirectly } = directCalls(2, upsert);
  const call = { name: 'upsertMailchimpMember' as const, args: ['L1', {}] };
  await env().run(callSystemDirectly, call);
  await env().run(callSystemDirectly, call);
  const third = await env().run(callSystemDirectly, call);
  expect(third).toEqual({
    made: false,
    why: "mailchimp's rate limit is in use: the call waits on its queue",
  });
  expect(upsert).toHaveBeenCalledTimes(2);
});

test('a failed call is thrown, as the queued call’s would be: the local activity retries it', async () => {
  const { callSystemDirectly } = directCalls(5, async () => {
    throw new Error('Mailchimp answered 503');
  });
  await expect(
    env().run(callSystemDirectly, { name: 'upsertMailchimpMember' as const, args: ['L1', {}] }),
  ).rejects.toThrow('Mailchimp answered 503');
});

test('a call not listed as direct is never made directly', async () => {
  const upsert = jest.fn(async () => ({}));
  const { callSystemDirectly } = directCalls(5, upsert);
  const outcome = await env().run(callSystemDirectly, {
    name: 'archiveMailchimpMember' as never,
    args: ['L1', 'a@example.com'],
  });
  expect(outcome).toEqual({ made: false, why: 'archiveMailchimpMember is not a direct call' });
  expect(upsert).not.toHaveBeenCalled();
});
