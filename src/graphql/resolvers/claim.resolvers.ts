import type { Resolvers } from '../../generated/resolvers';
import { encodeGlobalId } from '../../domain/global-id';
import { claimHistory } from '../../services/activity-service';
import { claimReviewOf } from '../../services/claim-reviews';
import { findClaim, listClaims, submitClaim } from '../../services/claim-service';
import { claimEvidence } from '../../services/evidence-service';
import { findSimilarClaims } from '../../services/similarity';
import { claimVotes } from '../../services/vote-service';
import { markDuplicate, publishVerdict, reopenClaim } from '../../services/workflow-service';
import { reviewerFor } from './identity';
import { nodeProperties, Projections } from '../node-projection';

export const claimResolvers: Resolvers = {
  Query: {
    claim: (_, { id }, ctx) => findClaim(ctx, id),
    claims: (_, args, ctx, info) => listClaims(ctx, args, nodeProperties(info, Projections.claim)),
    similarClaims: (_, args, ctx) => findSimilarClaims(ctx, args),
  },
  Mutation: {
    submitClaim: async (_, { input }, ctx) => {
      const { claim, similar } = await submitClaim(ctx, input);
      return { claim, similar };
    },
    publishVerdict: async (_, { input }, ctx) => ({ claim: await publishVerdict(ctx, input) }),
    reopenClaim: async (_, { input }, ctx) => ({ claim: await reopenClaim(ctx, input) }),
    markDuplicate: async (_, { input }, ctx) => ({ claim: await markDuplicate(ctx, input) }),
  },
  Claim: {
    id: (claim) => encodeGlobalId('Claim', claim.id),
    event: async (claim, _, ctx) => (await ctx.loaders.event.load(claim.eventId))!,
    submittedBy: (claim, _, ctx) => reviewerFor(ctx, claim.submittedById),
    evidence: (claim, args, ctx, info) => claimEvidence(ctx, claim, args, nodeProperties(info, Projections.evidence)),
    votes: (claim, args, ctx, info) => claimVotes(ctx, claim, args, nodeProperties(info, Projections.vote)),
    viewerVote: (claim, _, ctx) => ctx.loaders.viewerVote.load(claim.id),
    duplicateOf: (claim, _, ctx) => (claim.duplicateOfId ? ctx.loaders.claim.load(claim.duplicateOfId) : null),
    history: (claim, args, ctx) => claimHistory(ctx, claim, args),
    claimReview: (claim, _, ctx) => claimReviewOf(ctx.app.config, claim),
  },
  Verdict: {
    publishedBy: (verdict, _, ctx) => reviewerFor(ctx, verdict.publishedById),
  },
};
