import { Not, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { sqlState } from '../db/transaction';
import { MembershipEntity, type InvitationEntity, type OrganizationEntity } from '../entities/organization.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import {
  MembershipStatus,
  Role,
  type AcceptInvitationInput,
  type DecideMembershipInput,
  type ReinstateMemberInput,
  type RequestMembershipInput,
  type SuspendMemberInput,
} from '../generated/schema-types';
import { conflict, forbidden, notFound } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { Limits, parseInput, text } from '../domain/input-rules';
import { requireRole } from '../domain/roles';
import { requireStanding, roleAfterApproval, roleAfterJoining } from '../domain/trust';
import { managesOrganization, redeemInvitation } from './invitation-service';
import { lockOrganization } from './organization-service';
import type { RequestContext } from './request-context';
import { transact, type UnitOfWork } from './unit-of-work';
import { recomputeVotersVerdicts } from './trust-recompute';

/** A membership after a change of its status, and how many unpublished verdicts that moved. */
interface MembershipChange {
  membership: MembershipEntity;
  recomputedClaimCount: number;
}

/** A membership taken up with an invitation, and the reviewer as it now is (its role may have risen). */
interface JoinedMembership {
  membership: MembershipEntity;
  reviewer: ReviewerEntity;
}

const suspendInput = z.object({ reason: text(Limits.longText) });

/**
 * Signed in, with no ACTIVE membership: redeems an invitation sent to the reviewer's email and
 * joins its organisation with the higher of the reviewer's role and the invitation's.
 */
export async function acceptInvitation(ctx: RequestContext, input: AcceptInvitationInput): Promise<JoinedMembership> {
  const viewer = requireRole(ctx.viewer, Role.Observer);
  return transact(ctx, async (tx, unit) => {
    const invitation = await redeemInvitation(tx, input.code, ctx.viewer!, 'code');
    return joinWithInvitation(unit, viewer.id, invitation, viewer.id);
  });
}

/**
 * Makes the reviewer an ACTIVE member of a redeemed invitation's organisation (CONFLICT when
 * already an ACTIVE member of another one), raises their role to the invitation's, and
 * recomputes the verdicts their votes bear on. An invitation to the reviewer's own
 * organisation raises what it grants: an orgAdmin invitation makes an existing member one of
 * its admins. In the caller's transaction: signUp's or acceptInvitation's.
 */
export async function joinWithInvitation(
  unit: UnitOfWork,
  reviewerId: string,
  invitation: InvitationEntity,
  actorId: string,
): Promise<JoinedMembership> {
  const { tx } = unit;
  const organization = await lockOrganization(tx, invitation.organizationId, 'pessimistic_read');
  const reviewer = await lockReviewer(tx, reviewerId);
  await assertNoActiveMembership(tx, reviewer.id, organization.id);
  // Whatever the reviewer's membership there was (requested, declined, suspended, active), it
  // becomes ACTIVE; an ACTIVE orgAdmin stays one whatever the invitation grants. Under the
  // reviewer's lock, which every change to their memberships takes, nobody adds one meanwhile.
  const existing = await lockMembership(tx, { reviewerId: reviewer.id, organizationId: organization.id });
  const membership = existing ?? tx.create(MembershipEntity, { organizationId: organization.id, reviewerId: reviewer.id, orgAdmin: false });
  membership.orgAdmin = invitation.orgAdmin || (membership.status === MembershipStatus.Active && membership.orgAdmin);
  membership.status = MembershipStatus.Active;
  await tx.save(membership);
  reviewer.role = roleAfterJoining(reviewer.role, invitation.role);
  await tx.update(ReviewerEntity, { id: reviewer.id }, { role: reviewer.role });
  await recomputeVotersVerdicts(unit, [reviewer.id], { at: new Date(), actorId, reason: `A reviewer joined ${organization.name}` });
  return { membership, reviewer };
}

/** Signed in, with no ACTIVE membership: asks to join. CONFLICT when a request is pending there or the reviewer is suspended there. */
export async function requestMembership(ctx: RequestContext, input: RequestMembershipInput): Promise<MembershipEntity> {
  const viewer = requireRole(ctx.viewer, Role.Observer);
  const organizationId = decodeGlobalId(input.organizationId, 'Organization');
  return transact(ctx, async (tx) => {
    await lockOrganization(tx, organizationId, 'pessimistic_read');
    await lockReviewer(tx, viewer.id);
    await assertNoActiveMembership(tx, viewer.id);
    return fileRequest(tx, viewer.id, organizationId);
  });
}

/** A REQUESTED membership, new or from a declined one; CONFLICT when one is pending or SUSPENDED. In the caller's transaction. */
export async function fileRequest(tx: EntityManager, reviewerId: string, organizationId: string): Promise<MembershipEntity> {
  const existing = await lockMembership(tx, { reviewerId, organizationId });
  if (existing?.status === MembershipStatus.Requested) throw conflict('You have already asked to join this organisation');
  if (existing?.status === MembershipStatus.Suspended) throw conflict("You are suspended in this organisation; ask its admins to reinstate you");
  if (existing) return setStatus(tx, existing, MembershipStatus.Requested);
  return tx.save(tx.create(MembershipEntity, { organizationId, reviewerId, status: MembershipStatus.Requested, orgAdmin: false }));
}

/**
 * The organisation's admins or an ADMIN: approves a REQUESTED membership (ACTIVE; an OBSERVER
 * becomes a REVIEWER; their verdicts are recomputed) or declines it (DECLINED). Of two admins
 * deciding at once, the second finds it decided: CONFLICT.
 */
export async function decideMembership(ctx: RequestContext, input: DecideMembershipInput): Promise<MembershipEntity> {
  return changeMembership(ctx, input.membershipId, async (tx, { membership, reviewer, organization }, actorId, unit) => {
    if (membership.status !== MembershipStatus.Requested) throw conflict(`The membership is ${membership.status}, not REQUESTED`);
    if (!input.approve) return setStatus(tx, membership, MembershipStatus.Declined);
    await assertNoActiveMembership(tx, reviewer.id);
    const approved = await setStatus(tx, membership, MembershipStatus.Active);
    const role = roleAfterApproval(reviewer.role);
    if (role !== reviewer.role) await tx.update(ReviewerEntity, { id: reviewer.id }, { role });
    await recomputeVotersVerdicts(unit, [reviewer.id], { at: new Date(), actorId, reason: `A reviewer joined ${organization.name}` });
    return approved;
  });
}

/**
 * The organisation's admins or an ADMIN: an ACTIVE member becomes SUSPENDED, and their votes
 * stop counting at once: every unpublished verdict they voted on is recomputed, logged with the
 * reason. CONFLICT when the membership is not ACTIVE.
 */
export async function suspendMember(ctx: RequestContext, input: SuspendMemberInput): Promise<MembershipChange> {
  const { reason } = parseInput(suspendInput, input);
  let recomputedClaimCount = 0;
  const membership = await changeMembership(ctx, input.membershipId, async (tx, { membership, organization }, actorId, unit) => {
    if (membership.status !== MembershipStatus.Active) throw conflict(`Only an ACTIVE member can be suspended; this membership is ${membership.status}`);
    const suspended = await setStatus(tx, membership, MembershipStatus.Suspended);
    recomputedClaimCount = await recomputeVotersVerdicts(unit, [membership.reviewerId], {
      at: new Date(),
      actorId,
      reason: `A member of ${organization.name} was suspended and their votes stopped counting: ${reason}`,
    });
    return suspended;
  });
  return { membership, recomputedClaimCount };
}

/** The organisation's admins or an ADMIN: a SUSPENDED member becomes ACTIVE again and their votes count again. */
export async function reinstateMember(ctx: RequestContext, input: ReinstateMemberInput): Promise<MembershipChange> {
  let recomputedClaimCount = 0;
  const membership = await changeMembership(ctx, input.membershipId, async (tx, { membership, organization }, actorId, unit) => {
    if (membership.status !== MembershipStatus.Suspended) throw conflict(`Only a SUSPENDED member can be reinstated; this membership is ${membership.status}`);
    await assertNoActiveMembership(tx, membership.reviewerId);
    const reinstated = await setStatus(tx, membership, MembershipStatus.Active);
    recomputedClaimCount = await recomputeVotersVerdicts(unit, [membership.reviewerId], {
      at: new Date(),
      actorId,
      reason: `A member of ${organization.name} was reinstated and their votes count again`,
    });
    return reinstated;
  });
  return { membership, recomputedClaimCount };
}

interface LockedMembership {
  membership: MembershipEntity;
  reviewer: ReviewerEntity;
  organization: OrganizationEntity;
}

/**
 * A change to one membership by the organisation's admins or an ADMIN, not suspended anywhere
 * (FORBIDDEN for anyone else, NOT_FOUND when there is no such membership), with its
 * organisation, reviewer and row locked in the lock order of claim-locks.
 */
async function changeMembership(
  ctx: RequestContext,
  membershipId: string,
  change: (tx: EntityManager, locked: LockedMembership, actorId: string, unit: UnitOfWork) => Promise<MembershipEntity>,
): Promise<MembershipEntity> {
  const actor = requireStanding(ctx.viewer, Role.Observer);
  const id = decodeGlobalId(membershipId, 'Membership');
  const found = await ctx.loaders.membership.load(id);
  if (!found) throw notFound('Membership');
  return transact(ctx, async (tx, unit) => {
    const organization = await lockOrganization(tx, found.organizationId, 'pessimistic_read');
    // Under the organisation's lock, so that an admin suspended a moment ago no longer decides.
    if (!(await managesOrganization(tx, actor, organization.id))) {
      throw forbidden("Only the organisation's admins and ADMINs may change its members");
    }
    const reviewer = await lockReviewer(tx, found.reviewerId);
    const membership = (await lockMembership(tx, { id }))!;
    return change(tx, { membership, reviewer, organization }, actor.id, unit);
  });
}

/** CONFLICT when the reviewer is already an ACTIVE member of an organisation (one at a time), other than `except`. */
async function assertNoActiveMembership(tx: EntityManager, reviewerId: string, except: string | null = null): Promise<void> {
  const active = { reviewerId, status: MembershipStatus.Active };
  if (await tx.existsBy(MembershipEntity, except === null ? active : { ...active, organizationId: Not(except) })) {
    throw conflict('The reviewer is already an ACTIVE member of an organisation; one at a time');
  }
}

async function setStatus(tx: EntityManager, membership: MembershipEntity, status: MembershipStatus): Promise<MembershipEntity> {
  membership.status = status;
  try {
    return await tx.save(membership);
  } catch (error) {
    if (sqlState(error) === '23505') throw conflict('The reviewer is already an ACTIVE member of an organisation; one at a time');
    throw error;
  }
}

/** A reviewer's row locked FOR UPDATE: whether their votes count is about to change. */
async function lockReviewer(tx: EntityManager, reviewerId: string): Promise<ReviewerEntity> {
  const reviewer = await tx.findOne(ReviewerEntity, { where: { id: reviewerId }, lock: { mode: 'pessimistic_write' } });
  if (!reviewer) throw notFound('Reviewer');
  return reviewer;
}

/** A membership's row locked FOR UPDATE, by its id or by its reviewer and organisation; null when there is none. */
async function lockMembership(
  tx: EntityManager,
  where: { id: string } | { reviewerId: string; organizationId: string },
): Promise<MembershipEntity | null> {
  return tx.findOne(MembershipEntity, { where, lock: { mode: 'pessimistic_write' } });
}
