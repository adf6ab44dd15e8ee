import { And, LessThanOrEqual, MoreThan, type DataSource } from 'typeorm';
import { appendEntries, type StoredEntry } from '../db/statements/event-log';
import type { ActivityType } from '../generated/schema-types';
import { ActivityEntity, LoggedVerdict } from '../entities/activity.entity';
import type { VerdictState } from '../domain/verdict';
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
  return dataSource.manager.find(ActivityEntity, {
    where: { eventId, position: And(MoreThan(after), LessThanOrEqual(upTo)) },
    order: { position: 'ASC' },
    take: limit,
  });
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

/**
 * Appends entries to an event's log at the next positions. Must be the last statement that
 * takes a lock in its transaction: the row lock on the event's log head is held until commit,
 * so positions of one event commit in the order they are taken and a reader that has seen
 * position p can never see an earlier position appear later (the log is gapless). A rollback
 * gives the positions back with everything else.
 */
export async function appendActivity(
  unit: UnitOfWork,
  eventId: string,
  entries: readonly NewActivity[],
  at: Date,
): Promise<ActivityEntity[]> {
  if (entries.length === 0) return [];
  const logged: StoredEntry[] = entries.map((entry, i) => ({
    i: i + 1,
    type: entry.type,
    claim_id: entry.claimId ?? null,
    actor_id: entry.actorId,
    verdict: entry.verdict ? toLoggedVerdict(entry.verdict) : null,
    previous: entry.previous ? toLoggedVerdict(entry.previous) : null,
    detail: entry.detail ?? null,
  }));
  const appended = await appendEntries(unit.tx, eventId, logged, at);
  if (appended === null) throw new Error(`The log of event ${eventId} has no head, or not every entry was appended`);
  const { position, transactionId } = appended;
  const first = position - entries.length + 1;
  const rows = entries.map((entry, i) =>
    unit.tx.create(ActivityEntity, {
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
  unit.appended({ eventId, entries: rows }, transactionId);
  return rows;
}

function toLoggedVerdict(verdict: VerdictState): LoggedVerdict {
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
