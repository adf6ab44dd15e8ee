import { ActivityType } from '../generated/graphql';
import { decodeCursor } from '../domain/cursor';
import { badInput, notFound } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { Follower, type EntryFilter } from './follower';
import { positionAfter } from '../services/activity-service';
import { ListOrders } from '../services/list-orders';
import type { RequestContext } from '../services/request-context';

const verdictChangesOnly: EntryFilter = { type: ActivityType.VerdictChanged };
const everything: EntryFilter = {};

/**
 * Subscription.verdictChanged: one claim's verdict changes, or all of an event's. Resolves to
 * what to follow; live delivery starts it on the operation's socket (live-subscriptions.ts).
 */
export async function verdictChanges(
  ctx: RequestContext,
  args: { eventId?: string | null; claimId?: string | null; after?: string | null },
): Promise<Follower> {
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
  return new Follower(eventId!, startAfter(eventId!, args.after), claimId ? { type: ActivityType.VerdictChanged, claimId } : verdictChangesOnly);
}

/** Subscription.activity: everything that happens in an event, in log order. */
export async function eventActivityStream(
  ctx: RequestContext,
  args: { eventId: string; after?: string | null },
): Promise<Follower> {
  const eventId = decodeGlobalId(args.eventId, 'Event');
  if (!(await ctx.loaders.event.load(eventId))) throw notFound('Event');
  return new Follower(eventId, startAfter(eventId, args.after), everything);
}

/** The log position a subscription's `after` cursor stands for; null to start live. */
function startAfter(eventId: string, after: string | null | undefined): number | null {
  if (!after) return null;
  const { kind, shape } = ListOrders.activity;
  return positionAfter(decodeCursor(kind, after, shape), eventId);
}
