import type { DataSource, EntityManager } from 'typeorm';
import type { LoggedVerdict } from '../../entities/activity.entity';
import { queryRows } from './rows';

/**
 * An event's activity log head (event_log_heads, which has no entity: only these functions touch
 * it). The append, which a vote runs under the head's row lock, is written by hand.
 */

/** The NOTIFY channel: payload `<eventId>:<position>`, sent inside the writing transaction. */
export const LOG_CHANNEL = 'activity_log';

/** The columns appendEntries writes: every column of ActivityEntity (tests/e2e/hand-written-sql.test.ts). */
export const activityInsertColumns = ['event_id', 'position', 'type', 'claim_id', 'actor_id', 'at', 'verdict', 'previous', 'detail'] as const;

/** An entry as appendEntries stores it, `i` its place (from 1) among the entries appended together. */
export interface StoredEntry {
  i: number;
  type: string;
  claim_id: string | null;
  actor_id: string | null;
  verdict: LoggedVerdict | null;
  previous: LoggedVerdict | null;
  detail: Record<string, unknown> | null;
}

/**
 * Appends entries at the log's next positions and returns the last one, with the id of the
 * transaction that appends them (see transactionId), or null when the event has no log head.
 * One statement from the head's lock to the rows: the lock is held until
 * COMMIT, and every round trip while it is held delays the event's next writer. The NOTIFY goes
 * out with the transaction: listeners hear of it after COMMIT, and never after a ROLLBACK.
 */
export async function appendEntries(
  tx: EntityManager,
  eventId: string,
  entries: readonly StoredEntry[],
  at: Date,
): Promise<{ position: number; transactionId: string } | null> {
  const [last] = await queryRows<{ position: number; xid: string }>(
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
     SELECT head.position, pg_current_xact_id()::text AS xid FROM head, notice WHERE (SELECT count(*) FROM appended) = $2`,
    [eventId, entries.length, LOG_CHANNEL, at, JSON.stringify(entries)],
  );
  return last ? { position: Number(last.position), transactionId: last.xid } : null;
}

/** Starts an event's log at position 0; in the transaction that creates the event. */
export async function createLogHead(tx: EntityManager, eventId: string): Promise<void> {
  await tx.createQueryBuilder().insert().into('event_log_heads').values({ event_id: eventId, position: 0 }).execute();
}

/** The last position of the event's log that has committed; 0 for an empty or unknown log. */
export async function committedLogHead(dataSource: DataSource, eventId: string): Promise<number> {
  return (await committedLogHeads(dataSource, [eventId])).get(eventId) ?? 0;
}

/** The last committed position of each event's log, for those that have one. */
export async function committedLogHeads(dataSource: DataSource, eventIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await dataSource
    .createQueryBuilder()
    .select('h.event_id', 'eventId')
    .addSelect('h.position', 'position')
    .from('event_log_heads', 'h')
    .where('h.event_id IN (:...eventIds)', { eventIds })
    .getRawMany<{ eventId: string; position: number }>();
  return new Map(rows.map((row) => [row.eventId, Number(row.position)]));
}
