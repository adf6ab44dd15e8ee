import type { ActivityEntity } from '../entities/activity.entity';
import type { BreakingEventEntity } from '../entities/breaking-event.entity';
import type { ClaimEntity } from '../entities/claim.entity';
import type { EvidenceEntity } from '../entities/evidence.entity';
import type { MembershipEntity, OrganizationEntity } from '../entities/organization.entity';
import type { VoteEntity } from '../entities/vote.entity';
import type { ListOrder } from './pagination';

/**
 * Every ordered list of the API: the key each is sorted by, id last to break ties, and the entity
 * properties that key is read from (a list reads them from its rows when a cursor is asked for).
 */
export const ListOrders = {
  eventsNewest: { kind: 'ev', shape: 'tu', reads: ['createdAt', 'id'], keyOf: (e: BreakingEventEntity) => [e.createdAt.getTime(), e.id] },
  claimsNewest: { kind: 'cn', shape: 'tu', reads: ['createdAt', 'id'], keyOf: (c: ClaimEntity) => [c.createdAt.getTime(), c.id] },
  claimsRecentlyUpdated: { kind: 'cu', shape: 'tu', reads: ['verdict', 'id'], keyOf: (c: ClaimEntity) => [c.verdict.updatedAt.getTime(), c.id] },
  evidenceOldest: { kind: 'ed', shape: 'tu', reads: ['createdAt', 'id'], keyOf: (e: EvidenceEntity) => [e.createdAt.getTime(), e.id] },
  votesOldest: { kind: 'vo', shape: 'tu', reads: ['createdAt', 'id'], keyOf: (v: VoteEntity) => [v.createdAt.getTime(), v.id] },
  /** By name, case-insensitive: the cursor names the last organisation seen, whose name may be long. */
  organizationsByName: { kind: 'or', shape: 'u', reads: ['id'], keyOf: (o: OrganizationEntity) => [o.id] },
  membershipsOldest: { kind: 'ms', shape: 'tu', reads: ['createdAt', 'id'], keyOf: (m: MembershipEntity) => [m.createdAt.getTime(), m.id] },
  /** An event's log: the same cursor for Query.activity, Claim.history and subscriptions. */
  activity: { kind: 'lg', shape: 'un', reads: ['eventId', 'position'], keyOf: (a: ActivityEntity) => [a.eventId, a.position] },
} satisfies Record<string, ListOrder<never>>;
