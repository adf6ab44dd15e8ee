import type { EntityManager } from 'typeorm';
import type { ActivityType } from '../generated/graphql';
import { ActivityEntity, LoggedVerdict } from '../entities/activity.entity';
import type { VerdictState } from '../domain/verdict';
import { queryRows } from '../db/transaction';
import { LOG_CHANNEL, type LogAppend } from '../live/log-signal';

/** An entry to append, in the order it happened. */
export interface NewActivity {
  type: ActivityType;
  claimId?: string;
  actorId: string | null;
  verdict?: VerdictState;
  previous?: VerdictState;
  detail?: ActivityEntity['detail'];
}

/**
 * Appends entries to an event's log at the next positions. Must be the last statement that
 * takes a lock in its transaction: the row lock on the event's log head is held until commit,
 * so positions of one event commit in the order they are taken and a reader that has seen
 * position p can never see an earlier position appear later (the log is gapless). A rollback
 * gives the positions back with everything else.
 */
export async function appendActivity(
  tx: EntityManager,
  eventId: string,
  entries: readonly NewActivity[],
  at: Date,
): Promise<ActivityEntity[]> {
  if (entries.length === 0) return [];
  const [head] = await queryRows<{ position: number }>(
    tx,
    'UPDATE event_log_heads SET position = position + $2 WHERE event_id = $1 RETURNING position',
    [eventId, entries.length],
  );
  const first = head.position - entries.length + 1;
  const rows = entries.map((entry, i) =>
    tx.create(ActivityEntity, {
      eventId,
      position: first + i,
      type: entry.type,
      claimId: entry.claimId ?? null,
      actorId: entry.actorId,
      at,
      verdict: entry.verdict ? toLoggedVerdict(entry.verdict) : null,
      previous: entry.previous ? toLoggedVerdict(entry.previous) : null,
      detail: entry.detail ?? null,
    }),
  );
  await tx.insert(ActivityEntity, rows);
  // Sent with the transaction: listeners hear of it after COMMIT, and never after a ROLLBACK.
  await tx.query('SELECT pg_notify($1, $2)', [LOG_CHANNEL, `${eventId}:${head.position}`]);
  appendsOf(tx).push({ eventId, position: head.position });
  return rows;
}

/** The log appends of a transaction so far, for the signal that follows its commit. */
export function appendsOf(tx: EntityManager): LogAppend[] {
  const data = tx.queryRunner!.data as { logAppends?: LogAppend[] };
  data.logAppends ??= [];
  return data.logAppends;
}

/** Starts an event's log; in the transaction that creates the event. */
export async function createEventLog(tx: EntityManager, eventId: string): Promise<void> {
  await tx.query('INSERT INTO event_log_heads (event_id, position) VALUES ($1, 0)', [eventId]);
}

export function toLoggedVerdict(verdict: VerdictState): LoggedVerdict {
  return {
    ...verdict,
    updatedAt: verdict.updatedAt.toISOString(),
    publishedAt: verdict.publishedAt?.toISOString() ?? null,
  };
}

export function fromLoggedVerdict(logged: LoggedVerdict): VerdictState {
  return {
    ...logged,
    updatedAt: new Date(logged.updatedAt),
    publishedAt: logged.publishedAt ? new Date(logged.publishedAt) : null,
  };
}
