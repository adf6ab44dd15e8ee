import type { Resolvers } from '../../generated/resolvers';
import type { ConnectionModel } from '../../services/pagination';

/** A connection's totalCount is counted only when a client asks for it. */
const totalCount = (connection: ConnectionModel<unknown>) => connection.totalCount();

export const connectionResolvers = {
  ClaimConnection: { totalCount },
  EventConnection: { totalCount },
  EvidenceConnection: { totalCount },
  VoteConnection: { totalCount },
  VerdictChangeConnection: { totalCount },
  OrganizationConnection: { totalCount },
  MembershipConnection: { totalCount },
} as Resolvers;
