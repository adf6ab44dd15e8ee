import type { Resolvers } from '../../generated/resolvers';
import { encodeGlobalId } from '../../domain/global-id';
import { addEvidence } from '../../services/evidence-service';
import { castVote, retractVote } from '../../services/vote-service';
import { reviewerFor } from './identity';
import { countsTowardVerdict } from '../../domain/trust';

export const evidenceVoteResolvers: Resolvers = {
  Mutation: {
    addEvidence: async (_, { input }, ctx) => ({ evidence: await addEvidence(ctx, input) }),
    castVote: async (_, { input }, ctx) => {
      const { vote, claim } = await castVote(ctx, input);
      return { vote, claim };
    },
    retractVote: async (_, { input }, ctx) => ({ claim: await retractVote(ctx, input) }),
  },
  Evidence: {
    id: (evidence) => encodeGlobalId('Evidence', evidence.id),
    claim: async (evidence, _, ctx) => (await ctx.loaders.claim.load(evidence.claimId))!,
    submittedBy: (evidence, _, ctx) => reviewerFor(ctx, evidence.submittedById),
  },
  Vote: {
    id: (vote) => encodeGlobalId('Vote', vote.id),
    claim: async (vote, _, ctx) => (await ctx.loaders.claim.load(vote.claimId))!,
    reviewer: (vote, _, ctx) => reviewerFor(ctx, vote.reviewerId),
    evidence: (vote, _, ctx) => ctx.loaders.voteEvidence.load(vote.id),
    counts: async (vote, _, ctx) => countsTowardVerdict(await ctx.loaders.voterStanding.load(vote.reviewerId)),
  },
};
