import { queryRows } from '../db/statements/rows';
import { selectEntities } from '../db/statements/entity-rows';
import { parseGlobalId } from '../domain/global-id';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import type { RequestContext } from '../services/request-context';
import { readSnapshot } from './snapshot';

/** An event's page and feed: the event and its published verdicts, newest first. */
export interface EventPage {
  event: BreakingEventEntity;
  published: ClaimEntity[];
}

/** An event on the front page, with how many verdicts it has published and when the latest was. */
export interface PublishingEvent {
  id: string;
  title: string;
  region: string | null;
  verdicts: number;
  latestPublishedAt: Date;
}

const listed = ['id', 'statement', 'language', 'verdict'];

/** The event's page, or null for an unknown event (or a malformed id). */
export async function readEventPage(ctx: RequestContext, globalId: string): Promise<EventPage | null> {
  const parsed = parseGlobalId(globalId);
  if (parsed?.type !== 'Event') return null;
  return readSnapshot(ctx, async (tx) => {
    const [event] = await selectEntities(tx, BreakingEventEntity, 'WHERE x.id = $1', [parsed.id]);
    if (!event) return null;
    const published = await selectEntities(
      tx,
      ClaimEntity,
      `WHERE x.event_id = $1 AND x.verdict_status = 'PUBLISHED' ORDER BY x.verdict_published_at DESC, x.id`,
      [event.id],
      listed,
    );
    return { event, published };
  });
}

/** The events with at least one published verdict, the one that published most recently first. */
export function readPublishingEvents(ctx: RequestContext): Promise<PublishingEvent[]> {
  return readSnapshot(ctx, (tx) =>
    queryRows<PublishingEvent>(
      tx,
      `SELECT e.id, e.title, e.region, count(*) AS verdicts, max(c.verdict_published_at) AS "latestPublishedAt"
         FROM events e JOIN claims c ON c.event_id = e.id AND c.verdict_status = 'PUBLISHED'
        GROUP BY e.id, e.title, e.region
        ORDER BY "latestPublishedAt" DESC, e.id`,
    ),
  );
}
