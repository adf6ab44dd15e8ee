import type { ActivityEntity } from '../entities/activity.entity';
import { readLog } from './activity-log';
import type { BreakingEventEntity } from '../entities/breaking-event.entity';
import type { ClaimEntity } from '../entities/claim.entity';
import { encodeCursor } from '../domain/cursor';
import { badInput, notFound } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { ListOrders } from './list-orders';
import { ConnectionModel, MAX_LOG_PAGE_SIZE, PageModel, pageRequest, toConnection, toPage } from './pagination';
import type { RequestContext } from './request-context';

/**
 * An event's log after the cursor, in order, for clients catching up. Because positions commit
 * in order (see appendActivity), a page never skips an entry that commits later.
 */
export async function eventActivity(
  ctx: RequestContext,
  args: { eventId: string; after?: string | null; first?: number | null },
): Promise<PageModel<ActivityEntity>> {
  const eventId = decodeGlobalId(args.eventId, 'Event');
  const order = ListOrders.activity;
  const request = pageRequest(order, args.first, args.after, 100, MAX_LOG_PAGE_SIZE);
  const afterPosition = positionAfter(request.after, eventId);
  if (!(await ctx.loaders.event.load(eventId))) throw notFound('Event');
  const rows = await readLog(ctx.app.dataSource, eventId, afterPosition, request.limit + 1);
  return toPage(order, rows, request);
}

/**
 * Event.activityCursor: the cursor of the event's newest committed log entry, null while the log
 * is empty. Positions commit in order, so every entry up to it has committed: a client that reads
 * it before its other reads and follows the log from it misses nothing committed after it.
 */
export async function activityHead(ctx: RequestContext, event: BreakingEventEntity): Promise<string | null> {
  const position = await ctx.loaders.logHead.load(event.id);
  return position > 0 ? logCursor({ eventId: event.id, position }) : null;
}

/** The cursor of one entry of an event's log, as every list and subscription of the log gives it. */
export function logCursor(entry: Pick<ActivityEntity, 'eventId' | 'position'>): string {
  return encodeCursor(ListOrders.activity.kind, ListOrders.activity.keyOf(entry as ActivityEntity));
}

/** A claim's verdict changes, oldest first. */
export async function claimHistory(
  ctx: RequestContext,
  claim: ClaimEntity,
  args: { first?: number | null; after?: string | null },
): Promise<ConnectionModel<ActivityEntity>> {
  const order = ListOrders.activity;
  const request = pageRequest(order, args.first, args.after);
  positionAfter(request.after, claim.eventId);
  const rows = await ctx.loaders.historyPage.load({ parentId: claim.id, ...request });
  return toConnection(order, rows, request, () => ctx.loaders.historyCount.load(claim.id));
}

/** The position a log cursor stands for; BAD_USER_INPUT when it belongs to another event. */
export function positionAfter(after: (string | number)[] | null, eventId: string): number {
  if (!after) return 0;
  if (after[0] !== eventId) throw badInput('The cursor belongs to another event', 'after');
  return after[1] as number;
}
