import { createHash, randomBytes } from 'node:crypto';
import { Role } from '../generated/schema-types';
import { badInput, forbidden } from './errors';
import { hasRole, requireRole, type Actor } from './roles';

/** Who may vote, in one rule: a vote counts while its reviewer is REVIEWER or above and not SUSPENDED anywhere. */
export function countsTowardVerdict(voter: { role: Role; suspended: boolean }): boolean {
  return hasRole(voter.role, Role.Reviewer) && !voter.suspended;
}

/**
 * The actor when its role is at least `minimum` and it holds no SUSPENDED membership:
 * FORBIDDEN otherwise. For what a suspended member may not do (vote, submit, add evidence, invite).
 */
export function requireStanding(actor: (Actor & { suspended: boolean }) | null, minimum: Role): Actor {
  requireRole(actor, minimum);
  if (actor!.suspended) throw forbidden('Your membership is suspended');
  return actor!;
}

/** Roles an invitation may carry: an organisation's admins invite REVIEWERs and OBSERVERs, an ADMIN also EDITORs; nobody ADMINs. */
export function assertInvitableRole(role: Role, inviterIsAdmin: boolean): void {
  if (role === Role.Admin) throw badInput('Nobody is invited as ADMIN; an ADMIN sets that role', 'role');
  if (role === Role.Editor && !inviterIsAdmin) throw forbidden('Only an ADMIN may invite an EDITOR');
}

/** The role a reviewer has after joining with an invitation: the higher of theirs and the invitation's. */
export function roleAfterJoining(current: Role, invited: Role): Role {
  return hasRole(current, invited) ? current : invited;
}

/** The role after an approved request: an OBSERVER becomes a REVIEWER; a higher role stays. */
export function roleAfterApproval(current: Role): Role {
  return roleAfterJoining(current, Role.Reviewer);
}

/** Invitation lifetime in hours: 1 to 720, 72 when omitted. */
const InvitationHours = { min: 1, max: 720, default: 72 } as const;

/** When an invitation made at `now` expires; BAD_USER_INPUT for hours outside 1 to 720. */
export function invitationExpiry(now: Date, hours: number | null | undefined): Date {
  const lifetime = hours ?? InvitationHours.default;
  if (!Number.isInteger(lifetime) || lifetime < InvitationHours.min || lifetime > InvitationHours.max) {
    throw badInput(`expiresInHours must be an integer from ${InvitationHours.min} to ${InvitationHours.max}`, 'expiresInHours');
  }
  return new Date(now.getTime() + lifetime * 3_600_000);
}

/** A new invitation code: 256 random bits, URL-safe. */
export function newInvitationCode(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a code: its SHA-256, as of a password reset token (the code itself has 256 bits, so no salt or stretching is needed). */
export function invitationCodeHash(code: string): string {
  return createHash('sha256').update(code.trim(), 'utf8').digest('hex');
}

/** Whether an invitation may still be redeemed by the reviewer with `email`: unused, unexpired, for that email (case-insensitive). */
export function invitationRedeemable(invitation: { email: string; usedAt: Date | null; expiresAt: Date }, email: string, now: Date): boolean {
  return invitation.usedAt === null && invitation.expiresAt.getTime() > now.getTime() && sameEmail(invitation.email, email);
}

function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
