import { ActivityType } from '../generated/schema-types';
import { decodeCursor } from '../domain/cursor';
import { badInput, notFound } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { FollowRequest, type EntryFilter } from './follower';
import { positionAfter } from '../services/activity-service';
import { ListOrders } from '../services/list-orders';
import type { RequestContext } from '../services/request-context';

const verdictChangesOnly: EntryFilter = { type: ActivityType.VerdictChanged };
const everything: EntryFilter = {};

/**
 * Subscription.verdictChanged: one claim's verdict changes, or all of an event's. Resolves to
 * what to follow; live delivery follows it on the operation's socket (live-subscriptions.ts).
 */
export async function verdictChanges(
  ctx: RequestContext,
  args: { eventId?: string | null; claimId?: string | null; after?: string | null },
): Promise<FollowRequest> {
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
  return new FollowRequest(eventId!, startAfter(eventId!, args.after), claimId ? { type: ActivityType.VerdictChanged, claimId } : verdictChangesOnly);
}

/**
 * Subscription.activity: everything that happens in an event, in log order, after the later of
 * `after` and the socket's resume cursor for the event (resumeAfter).
 */
export async function eventActivityStream(
  ctx: RequestContext,
  args: { eventId: string; after?: string | null },
): Promise<FollowRequest> {
  const eventId = decodeGlobalId(args.eventId, 'Event');
  if (!(await ctx.loaders.event.load(eventId))) throw notFound('Event');
  const positions = [startAfter(eventId, args.after), resumeAfter(eventId, ctx.activityAfter)].filter((position) => position !== null);
  return new FollowRequest(eventId, positions.length ? Math.max(...positions) : null, everything);
}

/** Most cursors one socket may carry in connectionParams.activityAfter: one per event it follows. */
const maxResumeCursors = 100;

/**
 * The position to resume an event's activity after, from a socket's
 * connectionParams.activityAfter: the last cursor its client saw of each event's activity
 * subscription. Client libraries (Apollo Client's GraphQLWsLink, urql) resubscribe after a
 * reconnect with the variables of the first subscribe; connectionParams, as a function, is
 * read again at every connect, so the client's latest cursors travel there. Cursors of other
 * events are passed over; null when none is of this event.
 */
function resumeAfter(eventId: string, activityAfter: unknown): number | null {
  if (activityAfter === undefined || activityAfter === null) return null;
  const invalid = badInput(`connectionParams.activityAfter must be a list of at most ${maxResumeCursors} activity cursors`, 'activityAfter');
  if (!Array.isArray(activityAfter) || activityAfter.length > maxResumeCursors) throw invalid;
  const { kind, shape } = ListOrders.activity;
  const positions = activityAfter
    .map((cursor: unknown) => {
      try {
        return decodeCursor(kind, cursor as string, shape);
      } catch {
        throw invalid;
      }
    })
    .filter(([cursorEvent]) => cursorEvent === eventId)
    .map(([, position]) => position as number);
  return positions.length ? Math.max(...positions) : null;
}

/** The log position a subscription's `after` cursor stands for; null to start live. */
function startAfter(eventId: string, after: string | null | undefined): number | null {
  if (!after) return null;
  const { kind, shape } = ListOrders.activity;
  return positionAfter(decodeCursor(kind, after, shape), eventId);
}
