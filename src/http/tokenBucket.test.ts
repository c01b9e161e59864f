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

test('a debit counts a call already paced elsewhere: the bucket goes into debt and nothing starts until it is paid', () => {
  const { bucket, advance } = bucketAt(10, 2);
  bucket.debit();
  bucket.debit();
  bucket.debit();
  expect(bucket.tokens).toBe(-1);
  expect(bucket.tryTake()).toBe(false);
  expect(bucket.msUntilNextToken()).toBeCloseTo(200);
  advance(150);
  expect(bucket.tryTake()).toBe(false);
  advance(50);
  expect(bucket.tryTake()).toBe(true);
});
