import { MembershipStatus } from '../generated/graphql';

/**
 * SQL for "this reviewer holds a SUSPENDED membership", given the reviewer id's column or
 * parameter: the one way every reader of a reviewer's standing asks it (the viewer, the
 * ballots, Vote.counts).
 */
export function suspendedSql(reviewerId: string): string {
  return `EXISTS (SELECT 1 FROM memberships WHERE reviewer_id = ${reviewerId} AND status = '${MembershipStatus.Suspended}')`;
}
