import type { Resolvers } from '../../generated/resolvers';
import { encodeGlobalId } from '../../domain/global-id';
import { inviteMember } from '../../services/invitation-service';
import {
  acceptInvitation,
  decideMembership,
  reinstateMember,
  requestMembership,
  suspendMember,
} from '../../services/membership-service';
import {
  createOrganization,
  listOrganizations,
  organizationMemberships,
  setOrganizationVerified,
  visibleMembership,
} from '../../services/organization-service';
import { lookerAt } from '../../services/viewer';
import { reviewerFor } from './identity';

export const organizationResolvers: Resolvers = {
  Query: {
    organizations: (_, args, ctx) => listOrganizations(ctx, args),
  },
  Mutation: {
    createOrganization: async (_, { input }, ctx) => ({ organization: await createOrganization(ctx, input) }),
    setOrganizationVerified: async (_, { input }, ctx) => {
      const { organization, recomputedClaimCount } = await setOrganizationVerified(ctx, input);
      return { organization, recomputedClaimCount };
    },
    inviteMember: async (_, { input }, ctx) => ({ invitation: await inviteMember(ctx, input) }),
    acceptInvitation: async (_, { input }, ctx) => {
      const { membership, reviewer } = await acceptInvitation(ctx, input);
      return { membership, reviewer };
    },
    requestMembership: async (_, { input }, ctx) => ({ membership: await requestMembership(ctx, input) }),
    decideMembership: async (_, { input }, ctx) => ({ membership: await decideMembership(ctx, input) }),
    suspendMember: async (_, { input }, ctx) => {
      const { membership, recomputedClaimCount } = await suspendMember(ctx, input);
      return { membership, recomputedClaimCount };
    },
    reinstateMember: async (_, { input }, ctx) => {
      const { membership, recomputedClaimCount } = await reinstateMember(ctx, input);
      return { membership, recomputedClaimCount };
    },
  },
  Organization: {
    id: (organization) => encodeGlobalId('Organization', organization.id),
    memberCount: (organization, _, ctx) => ctx.loaders.memberCount.load(organization.id),
    memberships: (organization, args, ctx) => organizationMemberships(ctx, organization, args),
  },
  Membership: {
    id: (membership) => encodeGlobalId('Membership', membership.id),
    organization: async (membership, _, ctx) => (await ctx.loaders.organization.load(membership.organizationId))!,
    reviewer: (membership, _, ctx) => reviewerFor(ctx, membership.reviewerId),
  },
  Invitation: {
    organization: async (invitation, _, ctx) => (await ctx.loaders.organization.load(invitation.organizationId))!,
  },
  Reviewer: {
    organization: async (reviewer, _, ctx) => (await ctx.loaders.activeOrganization.load(reviewer.id))?.name ?? null,
    membership: async (reviewer, _, ctx) => {
      const looker = lookerAt(ctx.viewer, reviewer);
      return looker && visibleMembership(ctx, await ctx.loaders.currentMembership.load(reviewer.id), looker);
    },
  },
};
