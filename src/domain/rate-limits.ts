/**
 * How many attempts each client may make per window (fixed windows, shared by all instances).
 * Every root field of a mutation is one attempt, so aliases cannot multiply attempts.
 */
export interface RateLimitPolicy {
  logInPerEmail: number;
  logInPerAddress: number;
  logInWindowSeconds: number;
  /** Per signed-in reviewer, whichever token they use. */
  mutationsPerReviewer: number;
  mutationsPerAddress: number;
  mutationWindowSeconds: number;
}

/** What a count counts: logIn attempts per email and per address, mutations per reviewer and per address. */
type CountKind = 'login-email' | 'login-address' | 'mutation-reviewer' | 'mutation-address';

/** One root field of a mutation document. `email` for a logIn whose input names one. */
export interface Attempt {
  field: string;
  email?: string;
}

/** Who makes the attempts: the signed-in reviewer, if any, and the client's address (or network). */
export interface Caller {
  reviewerId: string | null;
  address: string;
}

/** Points to add to one count, with the limit and window of its kind. */
interface Charge {
  kind: CountKind;
  subject: string;
  points: number;
  limit: number;
  windowSeconds: number;
}

/** A count after a charge: its points in the current window and the seconds left of that window. */
export interface Count {
  points: number;
  secondsLeft: number;
}

/**
 * The charges of one document's attempts: every attempt counts against the caller's address
 * and, when signed in, against the reviewer; a logIn also counts against the login address and
 * the email it names (trimmed, case-insensitive, as logIn looks it up). One charge per count.
 */
export function chargesFor(attempts: readonly Attempt[], caller: Caller, policy: RateLimitPolicy): Charge[] {
  const charges = new Map<string, Charge>();
  const charge = (kind: CountKind, subject: string, limit: number, windowSeconds: number) => {
    const key = `${kind}\n${subject}`;
    const known = charges.get(key);
    if (known) known.points += 1;
    else charges.set(key, { kind, subject, points: 1, limit, windowSeconds });
  };
  for (const attempt of attempts) {
    charge('mutation-address', caller.address, policy.mutationsPerAddress, policy.mutationWindowSeconds);
    if (caller.reviewerId) charge('mutation-reviewer', caller.reviewerId, policy.mutationsPerReviewer, policy.mutationWindowSeconds);
    if (attempt.field !== 'logIn') continue;
    charge('login-address', caller.address, policy.logInPerAddress, policy.logInWindowSeconds);
    if (attempt.email !== undefined) charge('login-email', attempt.email.trim().toLowerCase(), policy.logInPerEmail, policy.logInWindowSeconds);
  }
  return [...charges.values()];
}

/**
 * Whole seconds to wait (at least 1) when any count is over its charge's limit: until the last
 * of those windows ends. Undefined when every count is within its limit.
 */
export function retryAfter(charges: readonly Charge[], counts: readonly Count[]): number | undefined {
  let wait: number | undefined;
  charges.forEach((charge, i) => {
    if (counts[i].points <= charge.limit) return;
    wait = Math.max(wait ?? 1, Math.ceil(counts[i].secondsLeft));
  });
  return wait;
}

/** The shortest window of a policy: expired counts are swept at least that often (at most every minute). */
export function sweepIntervalSeconds(policy: RateLimitPolicy): number {
  return Math.min(policy.logInWindowSeconds, policy.mutationWindowSeconds, 60);
}
