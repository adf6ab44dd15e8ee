import type { DataSource, EntityManager } from 'typeorm';
import { selectEntities } from '../db/entity-rows';
import type { ActivityType } from '../generated/graphql';
import { ActivityEntity, LoggedVerdict } from '../entities/activity.entity';
import type { VerdictState } from '../domain/verdict';
import { queryRows } from '../db/transaction';
import { LOG_CHANNEL } from './log-commits';
import type { UnitOfWork } from './unit-of-work';

/**
 * Committed entries of an event's log after position `after` and up to `upTo`, in log order,
 * at most `limit`: the one way the log is read (live feed, replay, the activity query).
 */
export async function readLog(
  dataSource: DataSource,
  eventId: string,
  after: number,
  limit: number,
  upTo = Number.MAX_SAFE_INTEGER,
): Promise<ActivityEntity[]> {
  return selectEntities(
    dataSource.manager,
    ActivityEntity,
    'WHERE x.event_id = $1 AND x.position > $2 AND x.position <= $3 ORDER BY x.position LIMIT $4',
    [eventId, after, upTo, limit],
  );
}

/** An entry to append, in the order it happened. */
export interface NewActivity {
  type: ActivityType;
  claimId?: string;
  actorId: string | null;
  verdict?: VerdictState;
  previous?: VerdictState;
  detail?: ActivityEntity['detail'];
}

/** The columns appendActivity writes: every column of ActivityEntity (tests/e2e/hand-written-sql.test.ts). */
export const activityInsertColumns = ['event_id', 'position', 'type', 'claim_id', 'actor_id', 'at', 'verdict', 'previous', 'detail'] as const;

/**
 * Appends entries to an event's log at the next positions. Must be the last statement that
 * takes a lock in its transaction: the row lock on the event's log head is held until commit,
 * so positions of one event commit in the order they are taken and a reader that has seen
 * position p can never see an earlier position appear later (the log is gapless). A rollback
 * gives the positions back with everything else.
 */
export async function appendActivity(
  { tx, logAppends }: UnitOfWork,
  eventId: string,
  entries: readonly NewActivity[],
  at: Date,
): Promise<ActivityEntity[]> {
  if (entries.length === 0) return [];
  const logged = entries.map((entry, i) => ({
    i: i + 1,
    type: entry.type,
    claim_id: entry.claimId ?? null,
    actor_id: entry.actorId,
    verdict: entry.verdict ? toLoggedVerdict(entry.verdict) : null,
    previous: entry.previous ? toLoggedVerdict(entry.previous) : null,
    detail: entry.detail ?? null,
  }));
  // One statement from the head's lock to the rows: the lock is held until COMMIT, and every
  // round trip while it is held delays the event's next writer (bench B2). The NOTIFY goes out
  // with the transaction: listeners hear of it after COMMIT, and never after a ROLLBACK.
  const [last] = await queryRows<{ position: number }>(
    tx,
    `WITH head AS (
       UPDATE event_log_heads SET position = position + $2 WHERE event_id = $1 RETURNING position
     ), notice AS (
       SELECT pg_notify($3, $1::text || ':' || position) FROM head
     ), appended AS (
       INSERT INTO activity (${activityInsertColumns.join(', ')})
       SELECT $1, head.position - $2 + e.i, e.type, e.claim_id, e.actor_id, $4, e.verdict, e.previous, e.detail
         FROM head, jsonb_to_recordset($5::jsonb)
           AS e(i int, type text, claim_id uuid, actor_id uuid, verdict jsonb, previous jsonb, detail jsonb)
       RETURNING position
     )
     SELECT head.position FROM head, notice WHERE (SELECT count(*) FROM appended) = $2`,
    [eventId, entries.length, LOG_CHANNEL, at, JSON.stringify(logged)],
  );
  if (!last) throw new Error(`The log of event ${eventId} has no head, or not every entry was appended`);
  const position = Number(last.position);
  const first = position - entries.length + 1;
  const rows = entries.map((entry, i) =>
    tx.create(ActivityEntity, {
      eventId,
      position: first + i,
      type: entry.type,
      claimId: entry.claimId ?? null,
      actorId: entry.actorId,
      at,
      verdict: logged[i].verdict,
      previous: logged[i].previous,
      detail: entry.detail ?? null,
    }),
  );
  logAppends.push({ eventId, position });
  return rows;
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

/** What a verdict logged before the trust model read as (it had no organisation count or explanation). */
const beforeExplanations = { organizationCount: 0, explanation: 'Recorded before verdicts were explained.' };

export function fromLoggedVerdict(logged: LoggedVerdict): VerdictState {
  return {
    ...beforeExplanations,
    ...logged,
    updatedAt: new Date(logged.updatedAt),
    publishedAt: logged.publishedAt ? new Date(logged.publishedAt) : null,
  };
}
