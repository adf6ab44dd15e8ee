import type { Resolvers } from '../../generated/resolvers';
import { encodeGlobalId } from '../../domain/global-id';
import { activityHead } from '../../services/activity-service';
import { listClaims } from '../../services/claim-service';
import {
  closeEvent,
  eventStats,
  findEvent,
  listEvents,
  openEvent,
  policyOf,
  updateEvent,
} from '../../services/event-service';
import { reviewerFor } from './identity';
import { nodeProperties, Projections } from '../node-projection';

export const eventResolvers: Resolvers = {
  Query: {
    events: (_, args, ctx) => listEvents(ctx, args),
    event: (_, { id }, ctx) => findEvent(ctx, id),
  },
  Mutation: {
    openEvent: async (_, { input }, ctx) => ({ event: await openEvent(ctx, input) }),
    updateEvent: async (_, { input }, ctx) => ({ event: await updateEvent(ctx, input) }),
    closeEvent: async (_, { input }, ctx) => ({ event: await closeEvent(ctx, input) }),
  },
  Event: {
    id: (event) => encodeGlobalId('Event', event.id),
    createdBy: (event, _, ctx) => reviewerFor(ctx, event.createdById),
    policy: (event) => policyOf(event),
    claims: (event, args, ctx, info) =>
      listClaims(ctx, { ...args, filter: { ...args.filter, eventId: encodeGlobalId('Event', event.id) } }, nodeProperties(info, Projections.claim)),
    stats: (event, _, ctx) => eventStats(ctx, event),
    activityCursor: (event, _, ctx) => activityHead(ctx, event),
  },
};
