import { TokenBucket } from './tokenBucket';

/** A bucket on a clock the test moves. */
function bucketAt(perSecond: number, capacity?: number) {
  let now = 1_000_000;
  const bucket = new TokenBucket(perSecond, capacity, () => now);
  return { bucket, advance: (ms: number) => (now += ms) };
}

test('starts full (one second of tokens by default) and refills at its rate, never past its capacity', () => {
  const { bucket, advance } = bucketAt(10);
  expect(bucket.capacity).toBe(10);
  for (let i = 0; i < 10; i++) expect(bucket.tryTake()).toBe(true);
  expect(bucket.tryTake()).toBe(false);
  expect(bucket.msUntilNextToken()).toBeCloseTo(100);
  advance(250);
  expect(bucket.tryTake()).toBe(true);
  expect(bucket.tryTake()).toBe(true);
  expect(bucket.tryTake()).toBe(false);
  advance(60_000);
  expect(bucket.tokens).toBe(10);
  expect(bucket.msUntilFull()).toBe(0);
});

test('a burst capacity other than one second', () => {
  const { bucket } = bucketAt(2, 40);
  let taken = 0;
  while (bucket.tryTake()) taken++;
  expect(taken).toBe(40);
  expect(bucket.msUntilFull()).toBe(20_000);
});

describe('take() waits in line', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  test('callers past the burst are served in arrival order as tokens come back; none is refused', async () => {
    const bucket = new TokenBucket(10, 2);
    const served: number[] = [];
    const all = Promise.all([0, 1, 2, 3, 4].map((n) => bucket.take().then(() => served.push(n))));
    await Promise.resolve();
    expect(served).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(100);
    expect(served).toEqual([0, 1, 2]);
    await jest.advanceTimersByTimeAsync(200);
    await all;
    expect(served).toEqual([0, 1, 2, 3, 4]);
  });

  test('while someone waits, tryTake() does not jump the line', async () => {
    const bucket = new TokenBucket(10, 1);
    expect(bucket.tryTake()).toBe(true);
    const waiting = bucket.take();
    jest.setSystemTime(Date.now() + 150); // a token is back, but it is the waiter's
    expect(bucket.tryTake()).toBe(false);
    await jest.advanceTimersByTimeAsync(100);
    await waiting;
    expect(bucket.tryTake()).toBe(false);
  });
});
