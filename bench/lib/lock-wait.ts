import type { ClientBase } from 'pg';

/** What a change that locks a claim costs, as a vote on that claim sees it (ms). */
export interface LockWait<T> {
  result: T;
  /** From the change sent to its answer. */
  changeMs: number;
  /** From the change sent to the first poll that found the claim locked; null when none did before the change ended. */
  lockSeenMs: number | null;
  /** From the vote sent (at once when the lock was seen) to its answer: the wait behind the change, and the vote itself. */
  voteMs: number;
}

/**
 * Only a FOR UPDATE lock (the claim lock of a vote or a trust change) conflicts with FOR KEY
 * SHARE, and SKIP LOCKED makes the poll answer no row instead of waiting. Where the claim is
 * free, the poll holds its key-share lock only for its own statement, so the change it watches
 * can wait on it for no longer than that.
 */
const lockedPoll = 'SELECT 1 FROM claims WHERE id = $1 FOR KEY SHARE SKIP LOCKED';

/** Between polls: the lock is seen at most this much (plus one poll) after it is taken. */
const pollEveryMs = 2;

/**
 * Sends `change`, polls `claimId` on the `monitor` connection until the change holds it
 * FOR UPDATE, then sends `vote` on that claim at once and times both. B8 measures a
 * suspension's lock hold so, for the project (HTTP) and its baseline (raw pg) alike.
 */
export async function measureLockWait<T>(
  monitor: ClientBase,
  claimId: string,
  change: () => Promise<T>,
  vote: () => Promise<unknown>,
): Promise<LockWait<T>> {
  const sentAt = performance.now();
  let endedAt: number | undefined;
  const changing = change().finally(() => (endedAt = performance.now()));
  changing.catch(() => undefined); // awaited below, after the vote
  let lockSeenAt: number | null = null;
  while (endedAt === undefined) {
    const { rowCount } = await monitor.query(lockedPoll, [claimId]);
    if (rowCount === 0) {
      lockSeenAt = performance.now();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
  }
  const voteSentAt = performance.now();
  await vote();
  const voteMs = performance.now() - voteSentAt;
  const result = await changing;
  return { result, changeMs: endedAt! - sentAt, lockSeenMs: lockSeenAt === null ? null : lockSeenAt - sentAt, voteMs };
}
