import { In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { lockClaimAndEvent } from '../db/statements/vote-path';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { badInput, conflict, notFound } from '../domain/errors';
import { EventStatus } from '../generated/schema-types';

/**
 * Lock order, the same in every transaction so that none deadlocks another:
 * an organisation (FOR SHARE to change a membership in it, FOR UPDATE to verify it), then
 * reviewers in id order (FOR SHARE by a voter's own vote, FOR UPDATE to change who may vote),
 * then events in id order (FOR SHARE to change their claims, FOR UPDATE to change the event
 * itself), then claims FOR UPDATE in id order, then their duplicates (verdict-changes), then
 * the events' log heads, last, in event id order.
 */
export interface LockedClaim {
  claim: ClaimEntity;
  event: BreakingEventEntity;
}

type RowLock = 'FOR SHARE' | 'FOR UPDATE';

/**
 * Locks a claim for a change, its event first, in the lock order above; NOT_FOUND when there is
 * no such claim.
 */
export async function lockClaim(tx: EntityManager, claimId: string): Promise<LockedClaim> {
  const locked = await lockClaimAndEvent(tx, claimId);
  if (!locked) throw notFound('Claim');
  return locked;
}

/** Locks claims of one event for a change, in id order; NOT_FOUND for a missing one. */
export async function lockClaims(tx: EntityManager, claimIds: readonly string[]): Promise<LockedClaim[]> {
  const located = await tx.find(ClaimEntity, { select: { id: true, eventId: true }, where: { id: In([...claimIds]) } });
  for (const id of claimIds) if (!located.some((claim) => claim.id === id)) throw notFound('Claim');
  const eventIds = new Set(located.map((claim) => claim.eventId));
  if (eventIds.size !== 1) throw badInput('The claims belong to different events');
  const event = await lockEvent(tx, located[0].eventId, 'FOR SHARE');
  const byId = new Map<string, ClaimEntity>();
  for (const id of [...claimIds].sort()) {
    const claim = await lockRow(tx, ClaimEntity, id, 'FOR UPDATE');
    if (!claim) throw notFound('Claim');
    byId.set(id, claim);
  }
  return claimIds.map((id) => ({ claim: byId.get(id)!, event }));
}

/** Locks an event: FOR SHARE to add to it, FOR UPDATE to change it; NOT_FOUND when missing. */
export async function lockEvent(
  tx: EntityManager,
  eventId: string,
  lock: RowLock,
): Promise<BreakingEventEntity> {
  const event = await lockRow(tx, BreakingEventEntity, eventId, lock);
  if (!event) throw notFound('Event');
  return event;
}

/** A row locked, as its entity. */
async function lockRow<T extends ObjectLiteral>(tx: EntityManager, entity: EntityTarget<T>, id: string, lock: RowLock): Promise<T | null> {
  return tx
    .createQueryBuilder(entity, 'x')
    .where('x.id = :id', { id })
    .setLock(lock === 'FOR UPDATE' ? 'pessimistic_write' : 'pessimistic_read')
    .getOne();
}

/** CONFLICT when the event takes nothing new. */
export function assertEventOpen(event: BreakingEventEntity): void {
  if (event.status === EventStatus.Closed) throw conflict('The event is closed');
}
