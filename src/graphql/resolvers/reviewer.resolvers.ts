import type { Resolvers } from '../../generated/graphql';
import { encodeGlobalId } from '../../domain/global-id';
import { logIn, setReviewerRole, signUp, visibleEmail } from '../../services/reviewer-service';

export const reviewerResolvers: Resolvers = {
  Query: {
    viewer: (_, __, ctx) => ctx.viewer,
  },
  Mutation: {
    signUp: (_, { input }, ctx) => signUp(ctx, input),
    logIn: (_, { input }, ctx) => logIn(ctx, input),
    setReviewerRole: async (_, { input }, ctx) => ({ reviewer: await setReviewerRole(ctx, input) }),
  },
  Reviewer: {
    id: (reviewer) => encodeGlobalId('Reviewer', reviewer.id),
    email: (reviewer, _, ctx) => visibleEmail(ctx, reviewer),
  },
};
