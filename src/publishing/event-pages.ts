import { inReadSnapshot } from '../db/read-snapshot';
import { parseGlobalId } from '../domain/global-id';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { VerdictStatus } from '../generated/schema-types';
import type { RequestContext } from '../services/request-context';

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

/** The event's page, or null for an unknown event (or a malformed id). */
export async function readEventPage(ctx: RequestContext, globalId: string): Promise<EventPage | null> {
  const parsed = parseGlobalId(globalId);
  if (parsed?.type !== 'Event') return null;
  return inReadSnapshot(ctx.app.dataSource, async (tx) => {
    const event = await tx.getRepository(BreakingEventEntity).findOneBy({ id: parsed.id });
    if (!event) return null;
    const published = await tx.getRepository(ClaimEntity).find({
      where: { eventId: event.id, verdict: { status: VerdictStatus.Published } },
      order: { verdict: { publishedAt: 'DESC' }, id: 'ASC' },
    });
    return { event, published };
  });
}

/** The events with at least one published verdict, the one that published most recently first. */
export function readPublishingEvents(ctx: RequestContext): Promise<PublishingEvent[]> {
  return inReadSnapshot(ctx.app.dataSource, (tx) =>
    tx
      .getRepository(BreakingEventEntity)
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .addSelect('e.title', 'title')
      .addSelect('e.region', 'region')
      .addSelect('count(*)', 'verdicts')
      .addSelect('max(c.verdict.publishedAt)', 'latestPublishedAt')
      .innerJoin(ClaimEntity, 'c', 'c.eventId = e.id AND c.verdict.status = :published', { published: VerdictStatus.Published })
      .groupBy('e.id')
      .addGroupBy('e.title')
      .addGroupBy('e.region')
      .orderBy('"latestPublishedAt"', 'DESC')
      .addOrderBy('e.id')
      .getRawMany<PublishingEvent>(),
  );
}
