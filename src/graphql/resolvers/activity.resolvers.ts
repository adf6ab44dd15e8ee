import type { Resolvers } from '../../generated/resolvers';
import { eventActivity, logCursor } from '../../services/activity-service';
import { fromLoggedVerdict } from '../../services/activity-log';
import { reviewerFor } from './identity';
import type { ActivityEntity } from '../../entities/activity.entity';
import { eventActivityStream, verdictChanges } from '../../live/subscription-service';

export const activityResolvers: Resolvers = {
  Query: {
    activity: (_, args, ctx) => eventActivity(ctx, args),
  },
  Subscription: {
    verdictChanged: {
      subscribe: (_, args, ctx) => verdictChanges(ctx, args),
      resolve: (entry: ActivityEntity) => entry,
    },
    activity: {
      subscribe: (_, args, ctx) => eventActivityStream(ctx, args),
      resolve: (entry: ActivityEntity) => entry,
    },
  },
  Activity: {
    cursor: (entry) => logCursor(entry),
    event: async (entry, _, ctx) => (await ctx.loaders.event.load(entry.eventId))!,
    claim: (entry, _, ctx) => (entry.claimId ? ctx.loaders.claim.load(entry.claimId) : null),
    actor: (entry, _, ctx) => reviewerFor(ctx, entry.actorId),
    verdict: (entry) => (entry.verdict ? fromLoggedVerdict(entry.verdict) : null),
    reason: (entry) => entry.detail?.reason ?? null,
  },
  VerdictChange: {
    cursor: (entry) => logCursor(entry),
    claim: async (entry, _, ctx) => (await ctx.loaders.claim.load(entry.claimId!))!,
    previous: (entry) => fromLoggedVerdict(entry.previous!),
    verdict: (entry) => fromLoggedVerdict(entry.verdict!),
  },
};
