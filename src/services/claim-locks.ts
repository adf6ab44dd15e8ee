import type { EntityManager } from 'typeorm';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { badInput, conflict, notFound } from '../domain/errors';
import { EventStatus } from '../generated/graphql';

/**
 * Lock order, the same in every transaction so that none deadlocks another:
 * the event (FOR SHARE to change its claims, FOR UPDATE to change the event itself), then
 * claims FOR UPDATE in id order, then their duplicates, then the event's log head, last.
 */
export interface LockedClaim {
  claim: ClaimEntity;
  event: BreakingEventEntity;
}

/** Locks a claim for a change, its event first; NOT_FOUND when there is no such claim. */
export async function lockClaim(tx: EntityManager, claimId: string): Promise<LockedClaim> {
  const [locked] = await lockClaims(tx, [claimId]);
  return locked;
}

/** Locks claims of one event for a change, in id order; NOT_FOUND for a missing one. */
export async function lockClaims(tx: EntityManager, claimIds: readonly string[]): Promise<LockedClaim[]> {
  const located = await tx.find(ClaimEntity, { select: { id: true, eventId: true }, where: claimIds.map((id) => ({ id })) });
  for (const id of claimIds) if (!located.some((claim) => claim.id === id)) throw notFound('Claim');
  const eventIds = new Set(located.map((claim) => claim.eventId));
  if (eventIds.size !== 1) throw badInput('The claims belong to different events');
  const event = await lockEvent(tx, located[0].eventId, 'pessimistic_read');
  const byId = new Map<string, ClaimEntity>();
  for (const id of [...claimIds].sort()) {
    const claim = await tx.findOne(ClaimEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!claim) throw notFound('Claim');
    byId.set(id, claim);
  }
  return claimIds.map((id) => ({ claim: byId.get(id)!, event }));
}

/** Locks an event: FOR SHARE to add to it, FOR UPDATE to change it; NOT_FOUND when missing. */
export async function lockEvent(
  tx: EntityManager,
  eventId: string,
  mode: 'pessimistic_read' | 'pessimistic_write',
): Promise<BreakingEventEntity> {
  const event = await tx.findOne(BreakingEventEntity, { where: { id: eventId }, lock: { mode } });
  if (!event) throw notFound('Event');
  return event;
}

/** CONFLICT when the event takes nothing new. */
export function assertEventOpen(event: BreakingEventEntity): void {
  if (event.status === EventStatus.Closed) throw conflict('The event is closed');
}
