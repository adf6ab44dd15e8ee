import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../../generated/resolvers';
import { notFound } from '../../domain/errors';
import { parseGlobalId } from '../../domain/global-id';
import { BreakingEventEntity } from '../../entities/breaking-event.entity';
import { ClaimEntity } from '../../entities/claim.entity';
import { EvidenceEntity } from '../../entities/evidence.entity';
import { ReviewerEntity } from '../../entities/reviewer.entity';
import { VoteEntity } from '../../entities/vote.entity';
import { MembershipEntity, OrganizationEntity } from '../../entities/organization.entity';
import { visibleMembership } from '../../services/organization-service';

const loaderOf = {
  Reviewer: 'reviewer',
  Event: 'event',
  Claim: 'claim',
  Evidence: 'evidence',
  Vote: 'vote',
  Organization: 'organization',
  Membership: 'membership',
} as const;
const typeOf = new Map<unknown, keyof typeof loaderOf>([
  [ReviewerEntity, 'Reviewer'],
  [BreakingEventEntity, 'Event'],
  [ClaimEntity, 'Claim'],
  [EvidenceEntity, 'Evidence'],
  [VoteEntity, 'Vote'],
  [OrganizationEntity, 'Organization'],
  [MembershipEntity, 'Membership'],
]);

/** graphql-scalars' DateTime, serialised to the ISO text itself rather than to a Date: the same JSON. */
const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  // toISOString throws for an invalid Date, as graphql-scalars' own check would.
  serialize: (value) => (value instanceof Date ? value : (DateTimeResolver.serialize(value) as Date)).toISOString(),
});

export const nodeResolvers: Resolvers = {
  DateTime,
  JSON: JSONResolver,
  Query: {
    /** Null for an ID that names nothing; NOT_FOUND for a malformed one; reviewers hidden from anonymous clients, memberships from all but their reviewer and its organisation's admins. */
    node: (_, { id }, ctx) => {
      const parsed = parseGlobalId(id);
      if (!parsed) throw notFound('Node');
      if (parsed.type === 'Reviewer' && !ctx.viewer) return null;
      if (parsed.type === 'Membership') return ctx.loaders.membership.load(parsed.id).then((membership) => visibleMembership(ctx, membership));
      return ctx.loaders[loaderOf[parsed.type]].load(parsed.id);
    },
  },
  Node: {
    __resolveType: (node) => typeOf.get(node.constructor) ?? null,
  },
};
