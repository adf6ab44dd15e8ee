import { createHmac } from 'node:crypto';
import type { RateLimitStore } from '../db/statements/rate-limit-store';
import { Attempt, Caller, chargesFor, RateLimitPolicy, retryAfter, sweepIntervalSeconds } from '../domain/rate-limits';
import type { Logger } from '../observability/logger';

/** The counts of attempts, kept in the store that every instance shares. */
export interface RateLimits {
  /**
   * Counts a document's attempts, refused or not (an attacker gains nothing by pressing on);
   * whole seconds to wait when a count is over its limit, undefined when all are within.
   */
  charge(attempts: readonly Attempt[], caller: Caller): Promise<number | undefined>;
  /** Stops sweeping expired counts; waits for a sweep under way. */
  stop(): Promise<void>;
}

/**
 * Rate limits on `store` with `policy`. Keys are HMACs (keyed by a secret derived from
 * `secret`) of what they count, so the table never holds an email, an address or a reviewer
 * id: who tried to sign in from where is dangerous knowledge. Expired counts are swept every
 * `sweepIntervalSeconds(policy)` seconds.
 */
export function startRateLimits(store: RateLimitStore, policy: RateLimitPolicy, secret: string, logger: Logger): RateLimits {
  const hashKey = createHmac('sha256', secret).update('rate-limit keys').digest();
  const keyOf = (kind: string, subject: string) => `${kind}:${createHmac('sha256', hashKey).update(subject).digest('base64url').slice(0, 27)}`;

  let sweeping: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    sweeping = store.sweep().then(
      (swept) => logger.debug({ swept }, 'swept expired rate-limit counts'),
      (error: unknown) => logger.warn({ err: error }, 'could not sweep expired rate-limit counts'),
    );
  }, sweepIntervalSeconds(policy) * 1000);
  timer.unref();

  return {
    async charge(attempts, caller) {
      const charges = chargesFor(attempts, caller, policy);
      const keyed = charges.map((charge) => ({ ...charge, key: keyOf(charge.kind, charge.subject) }));
      const counts = await store.add(keyed);
      return retryAfter(charges, counts);
    },
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
