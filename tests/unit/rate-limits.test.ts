import type { RateLimitStore } from '../../src/db/statements/rate-limit-store';
import { chargesFor, retryAfter, sweepIntervalSeconds, type RateLimitPolicy } from '../../src/domain/rate-limits';
import { createLogger } from '../../src/observability/logger';
import { startRateLimits } from '../../src/services/rate-limits';

const policy: RateLimitPolicy = {
  logInPerEmail: 10,
  logInPerAddress: 100,
  logInWindowSeconds: 900,
  mutationsPerReviewer: 300,
  mutationsPerAddress: 6000,
  mutationWindowSeconds: 60,
};

const summary = (charges: ReturnType<typeof chargesFor>) => charges.map(({ kind, subject, points }) => `${kind} ${subject} ${points}`);

describe('chargesFor', () => {
  test('every root field is one attempt, aliases included: 50 logIn of one email charge 50 to each count', () => {
    const attempts = Array.from({ length: 50 }, () => ({ field: 'logIn', email: 'Aigerim@Factcheck.kz ' }));
    expect(summary(chargesFor(attempts, { reviewerId: null, address: '203.0.113.7' }, policy))).toEqual([
      'mutation-address 203.0.113.7 50',
      'login-address 203.0.113.7 50',
      'login-email aigerim@factcheck.kz 50',
    ]);
  });

  test('a signed-in reviewer is charged per reviewer and per address; logIn counts apply to logIn only', () => {
    const attempts = [{ field: 'castVote' }, { field: 'castVote' }, { field: 'logIn', email: 'a@example.org' }, { field: 'logIn', email: 'b@example.org' }];
    const charges = chargesFor(attempts, { reviewerId: 'r1', address: '10.0.0.1' }, policy);
    expect(summary(charges)).toEqual([
      'mutation-address 10.0.0.1 4',
      'mutation-reviewer r1 4',
      'login-address 10.0.0.1 2',
      'login-email a@example.org 1',
      'login-email b@example.org 1',
    ]);
    expect(charges.find((charge) => charge.kind === 'login-email')).toMatchObject({ limit: 10, windowSeconds: 900 });
    expect(charges.find((charge) => charge.kind === 'mutation-reviewer')).toMatchObject({ limit: 300, windowSeconds: 60 });
  });

  test('a logIn whose email could not be read still counts against the address', () => {
    expect(summary(chargesFor([{ field: 'logIn' }], { reviewerId: null, address: 'x' }, policy))).toEqual(['mutation-address x 1', 'login-address x 1']);
  });
});

describe('retryAfter', () => {
  const charges = chargesFor([{ field: 'castVote' }], { reviewerId: 'r1', address: 'x' }, { ...policy, mutationsPerAddress: 5, mutationsPerReviewer: 3 });

  test('undefined while every count is within its limit, the limit itself included', () => {
    expect(retryAfter(charges, [{ points: 5, secondsLeft: 10 }, { points: 3, secondsLeft: 10 }])).toBeUndefined();
  });

  test('the end of the latest window over its limit, in whole seconds, at least 1', () => {
    expect(retryAfter(charges, [{ points: 6, secondsLeft: 12.2 }, { points: 4, secondsLeft: 40.01 }])).toBe(41);
    expect(retryAfter(charges, [{ points: 6, secondsLeft: 12.2 }, { points: 1, secondsLeft: 59 }])).toBe(13);
    expect(retryAfter(charges, [{ points: 1, secondsLeft: 59 }, { points: 4, secondsLeft: 0.001 }])).toBe(1);
    expect(retryAfter(charges, [{ points: 1, secondsLeft: 59 }, { points: 4, secondsLeft: -0.2 }])).toBe(1);
  });
});

test('expired counts are swept as often as the shortest window, at most every minute', () => {
  expect(sweepIntervalSeconds(policy)).toBe(60);
  expect(sweepIntervalSeconds({ ...policy, mutationWindowSeconds: 2 })).toBe(2);
});

describe('startRateLimits', () => {
  // The sweep's timer on jest's fake timers: moved by the test.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('sweeps the store every sweepIntervalSeconds until stopped', async () => {
    const store: RateLimitStore = { add: async () => [], sweep: jest.fn(async () => 0) };
    const limits = startRateLimits(store, { ...policy, mutationWindowSeconds: 2 }, 'a secret', createLogger('silent'));
    jest.advanceTimersByTime(1_999);
    expect(store.sweep).toHaveBeenCalledTimes(0);
    jest.advanceTimersByTime(1);
    expect(store.sweep).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(2_000);
    expect(store.sweep).toHaveBeenCalledTimes(2);
    await limits.stop();
    jest.advanceTimersByTime(60_000);
    expect(store.sweep).toHaveBeenCalledTimes(2);
  });
});
