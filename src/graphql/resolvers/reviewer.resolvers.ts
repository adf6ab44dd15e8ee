import type { Resolvers } from '../../generated/resolvers';
import { encodeGlobalId } from '../../domain/global-id';
import { logIn, setReviewerRole, signUp, visibleEmail } from '../../services/reviewer-service';

export const reviewerResolvers: Resolvers = {
  Query: {
    viewer: (_, __, ctx) => ctx.viewer,
  },
  Mutation: {
    signUp: async (_, { input }, ctx) => {
      const { viewer, token } = await signUp(ctx, input);
      return { token, reviewer: viewer };
    },
    logIn: async (_, { input }, ctx) => {
      const { viewer, token } = await logIn(ctx, input);
      return { token, reviewer: viewer };
    },
    setReviewerRole: async (_, { input }, ctx) => ({ reviewer: await setReviewerRole(ctx, input) }),
  },
  Reviewer: {
    id: (reviewer) => encodeGlobalId('Reviewer', reviewer.id),
    email: (reviewer, _, ctx) => visibleEmail(ctx, reviewer),
  },
};
