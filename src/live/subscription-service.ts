import { ActivityType } from '../generated/graphql';
import { decodeCursor } from '../domain/cursor';
import { badInput, notFound } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { followLog, type EntryFilter, type FollowedEntry } from './follow-log';
import { positionAfter } from '../services/activity-service';
import { ListOrders } from '../services/list-orders';
import type { RequestContext } from '../services/request-context';

const verdictChangesOnly: EntryFilter = { type: ActivityType.VerdictChanged };
const everything: EntryFilter = {};

/** Subscription.verdictChanged: one claim's verdict changes, or all of an event's. */
export async function verdictChanges(
  ctx: RequestContext,
  args: { eventId?: string | null; claimId?: string | null; after?: string | null },
): Promise<AsyncIterableIterator<FollowedEntry>> {
  if (!args.eventId && !args.claimId) throw badInput('verdictChanged needs an eventId or a claimId', 'eventId');
  let eventId = args.eventId ? decodeGlobalId(args.eventId, 'Event') : null;
  const claimId = args.claimId ? decodeGlobalId(args.claimId, 'Claim') : null;
  if (claimId) {
    const claim = await ctx.loaders.claim.load(claimId);
    if (!claim) throw notFound('Claim');
    if (eventId && claim.eventId !== eventId) throw badInput('The claim belongs to another event', 'claimId');
    eventId = claim.eventId;
  } else if (!(await ctx.loaders.event.load(eventId!))) {
    throw notFound('Event');
  }
  return followLog(
    ctx.app,
    eventId!,
    startAfter(eventId!, args.after),
    claimId ? { type: ActivityType.VerdictChanged, claimId } : verdictChangesOnly,
    ctx.connection,
  );
}

/** Subscription.activity: everything that happens in an event, in log order. */
export async function eventActivityStream(
  ctx: RequestContext,
  args: { eventId: string; after?: string | null },
): Promise<AsyncIterableIterator<FollowedEntry>> {
  const eventId = decodeGlobalId(args.eventId, 'Event');
  if (!(await ctx.loaders.event.load(eventId))) throw notFound('Event');
  return followLog(ctx.app, eventId, startAfter(eventId, args.after), everything, ctx.connection);
}

/** The log position a subscription's `after` cursor stands for; null to start live. */
function startAfter(eventId: string, after: string | null | undefined): number | null {
  if (!after) return null;
  const { kind, shape } = ListOrders.activity;
  return positionAfter(decodeCursor(kind, after, shape), eventId);
}
