import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { InvitationEntity, MembershipEntity } from '../entities/organization.entity';
import { MembershipStatus, Role, type InviteMemberInput } from '../generated/schema-types';
import { badInput, forbidden } from '../domain/errors';
import type { Actor } from '../domain/roles';
import { decodeGlobalId } from '../domain/global-id';
import { email, parseInput } from '../domain/input-rules';
import { assertInvitableRole, invitationCodeHash, invitationExpiry, invitationRedeemable, newInvitationCode, requireStanding } from '../domain/trust';
import { lockOrganization } from './organization-service';
import type { RequestContext } from './request-context';
import { transact } from './unit-of-work';

/** An invitation as inviteMember answers it: the only time its code is shown. */
export interface IssuedInvitation {
  code: string;
  email: string;
  organizationId: string;
  role: Role;
  orgAdmin: boolean;
  expiresAt: Date;
}

const inviteInput = z.object({ email });

/**
 * The organisation's admins or an ADMIN, neither suspended. A single-use code bound to the email,
 * expiring after expiresInHours (1 to 720, 72 by default); only its hash is stored.
 */
export async function inviteMember(ctx: RequestContext, input: InviteMemberInput): Promise<IssuedInvitation> {
  const actor = requireStanding(ctx.viewer, Role.Observer);
  const organizationId = decodeGlobalId(input.organizationId, 'Organization');
  return transact(ctx, async (tx) => {
    await lockOrganization(tx, organizationId, 'pessimistic_read');
    if (!(await managesOrganization(tx, actor, organizationId))) throw forbidden("Only the organisation's admins and ADMINs may invite members");
    const role = input.role ?? Role.Reviewer;
    assertInvitableRole(role, actor.role === Role.Admin);
    const fields = parseInput(inviteInput, input);
    const expiresAt = invitationExpiry(new Date(), input.expiresInHours);
    const code = newInvitationCode();
    const orgAdmin = input.orgAdmin ?? false;
    await tx.insert(InvitationEntity, {
      codeHash: invitationCodeHash(code),
      organizationId,
      email: fields.email,
      role,
      orgAdmin,
      expiresAt,
      createdById: actor.id,
      usedAt: null,
      usedById: null,
    });
    return { code, email: fields.email, organizationId, role, orgAdmin, expiresAt };
  });
}

/**
 * The invitation a code names, locked and marked used by `reviewerId`, when it is unused,
 * unexpired and for `email`; BAD_USER_INPUT on `field` otherwise, without saying which.
 */
export async function redeemInvitation(
  tx: EntityManager,
  code: string,
  reviewer: { id: string; email: string },
  field: string,
): Promise<InvitationEntity> {
  const now = new Date();
  const invitation = await tx.findOne(InvitationEntity, { where: { codeHash: invitationCodeHash(String(code)) }, lock: { mode: 'pessimistic_write' } });
  if (!invitation || !invitationRedeemable(invitation, reviewer.email, now)) {
    throw badInput('This invitation code is not valid: it may be mistyped, used, expired or for another email', field);
  }
  await tx.update(InvitationEntity, { id: invitation.id }, { usedAt: now, usedById: reviewer.id });
  return invitation;
}

/** Whether the actor may manage the organisation's members: an ADMIN, or one of its ACTIVE orgAdmin members, read in `tx`. */
export async function managesOrganization(tx: EntityManager, actor: Actor, organizationId: string): Promise<boolean> {
  if (actor.role === Role.Admin) return true;
  return tx.existsBy(MembershipEntity, { reviewerId: actor.id, organizationId, status: MembershipStatus.Active, orgAdmin: true });
}
