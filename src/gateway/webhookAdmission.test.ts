/** The count of starts in flight behind WEBHOOK_MAX_STARTS_IN_FLIGHT (the gateway's admission control). */
import { StartsInFlight } from './webhooks';

test('a request takes all of its runs’ slots or none, and gives them back', () => {
  const starts = new StartsInFlight(3);
  expect(starts.tryAcquire(2)).toBe(true);
  expect(starts.full).toBe(false);
  expect(starts.tryAcquire(2)).toBe(false); // 4 > 3: none taken
  expect(starts.inFlight).toBe(2);
  expect(starts.tryAcquire(1)).toBe(true);
  expect(starts.full).toBe(true);
  starts.release(2);
  expect(starts.inFlight).toBe(1);
  expect(starts.full).toBe(false);
});

test('a request with more runs than the limit still goes when nothing else is in flight', () => {
  const starts = new StartsInFlight(2);
  expect(starts.tryAcquire(5)).toBe(true);
  expect(starts.tryAcquire(1)).toBe(false);
  starts.release(5);
  expect(starts.tryAcquire(1)).toBe(true);
});

test('a request that starts nothing (ignored events) is never refused for it', () => {
  const starts = new StartsInFlight(1);
  expect(starts.tryAcquire(1)).toBe(true);
  expect(starts.tryAcquire(0)).toBe(true);
  expect(starts.inFlight).toBe(1);
});
