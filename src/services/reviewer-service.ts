import { z } from 'zod';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { Role, type LogInInput, type SetReviewerRoleInput, type SignUpInput } from '../generated/schema-types';
import { conflict, notFound, unauthenticated } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { email, Limits, optionalText, parseInput, password, text } from '../domain/input-rules';
import { hasRole, requireRole } from '../domain/roles';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { holdAdvisoryLock } from '../db/advisory-lock';
import { sqlState } from '../db/transaction';
import { OrganizationEntity } from '../entities/organization.entity';
import { redeemInvitation } from './invitation-service';
import { fileRequest, joinWithInvitation } from './membership-service';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import type { RequestContext } from './request-context';
import { transact } from './unit-of-work';
import { lookerAt, unsuspendedViewer, type Viewer } from './viewer';
import { recomputeVotersVerdicts } from './trust-recompute';
import { reviewerWithStanding } from '../db/statements/vote-path';

/** An account signed in to: its reviewer as a viewer, and the bearer token that names it. */
interface Session {
  viewer: Viewer;
  token: string;
}

/** The advisory lock that sign-ups and role changes take, one at a time: the first ADMIN, the last ADMIN. */
const roleChanges = 7261002;

const signUpInput = z.object({
  email,
  password,
  displayName: text(Limits.shortText),
  organization: optionalText(Limits.shortText),
  invitationCode: optionalText(Limits.shortText),
});

/**
 * Creates an account. The first on an empty database is an ADMIN; any later one an OBSERVER,
 * unless its invitation code makes it an ACTIVE member of the invitation's organisation with
 * the invitation's role (BAD_USER_INPUT for a code that cannot be redeemed, and no account).
 * Without a code, an `organization` that names an existing organisation files a request to
 * join it; one that names nothing grants and creates nothing. CONFLICT when the email is taken.
 */
export async function signUp(ctx: RequestContext, input: SignUpInput): Promise<Session> {
  const fields = parseInput(signUpInput, input);
  const passwordHash = await hashPassword(fields.password);
  const reviewer = await transact(ctx, async (tx, unit) => {
    // One sign-up or role change at a time: two cannot both become the first ADMIN.
    await holdAdvisoryLock(tx, roleChanges);
    const first = (await tx.count(ReviewerEntity)) === 0;
    const row = tx.create(ReviewerEntity, {
      id: randomUUID(),
      email: fields.email,
      passwordHash,
      displayName: fields.displayName,
      role: first ? Role.Admin : Role.Observer,
    });
    try {
      await tx.insert(ReviewerEntity, row);
    } catch (error) {
      if (sqlState(error) === '23505') throw conflict('An account with this email already exists');
      throw error;
    }
    if (fields.invitationCode) {
      const invitation = await redeemInvitation(tx, fields.invitationCode, row, 'invitationCode');
      return (await joinWithInvitation(unit, row.id, invitation, row.id)).reviewer;
    }
    const named = fields.organization ? await organizationNamed(tx, fields.organization) : null;
    if (named && !first) await fileRequest(tx, row.id, named.id);
    return readReviewer(tx, row.id);
  });
  return signedIn(ctx, unsuspendedViewer(reviewer));
}

/** The organisation with this name, compared trimmed and case-insensitively; null when none. */
async function organizationNamed(tx: EntityManager, name: string): Promise<OrganizationEntity | null> {
  return tx.getRepository(OrganizationEntity).createQueryBuilder('o').where('lower(o.name) = lower(:name)', { name: name.trim() }).getOne();
}

/** UNAUTHENTICATED for a wrong email or password, alike, in the same time. */
export async function logIn(ctx: RequestContext, input: LogInInput): Promise<Session> {
  const email = String(input.email).trim();
  // PostgreSQL text cannot hold a NUL, so no account's email has one: nobody to look up.
  const found = email.includes('\u0000')
    ? null
    : await ctx.app.dataSource
        .getRepository(ReviewerEntity)
        .createQueryBuilder('r')
        .addSelect('r.passwordHash')
        .where('lower(r.email) = lower(:email)', { email })
        .getOne();
  const valid = await verifyPassword(String(input.password), found?.passwordHash ?? (await decoyHash()));
  if (!found || !valid) throw unauthenticated('Wrong email or password');
  const reviewer = await readViewer(ctx.app.dataSource, found.id);
  if (!reviewer) throw unauthenticated('Wrong email or password');
  return signedIn(ctx, reviewer);
}

/** A session of the account, with a token issued for it. */
async function signedIn(ctx: RequestContext, viewer: Viewer): Promise<Session> {
  return { viewer, token: await ctx.app.tokens.issue(viewer.id) };
}

/**
 * ADMIN only. A move across the REVIEWER line changes whether the reviewer's votes count: their
 * unpublished verdicts are recomputed in the same transaction, logged with the reason.
 */
export async function setReviewerRole(ctx: RequestContext, input: SetReviewerRoleInput): Promise<ReviewerEntity> {
  const actor = requireRole(ctx.viewer, Role.Admin);
  const reviewerId = decodeGlobalId(input.reviewerId, 'Reviewer');
  return transact(ctx, async (tx, unit) => {
    await holdAdvisoryLock(tx, roleChanges); // the same lock as sign-up: one role change at a time
    const reviewer = await tx.findOne(ReviewerEntity, { where: { id: reviewerId }, lock: { mode: 'pessimistic_write' } });
    if (!reviewer) throw notFound('Reviewer');
    if (reviewer.role === Role.Admin && input.role !== Role.Admin && (await tx.countBy(ReviewerEntity, { role: Role.Admin })) === 1) {
      throw conflict('This is the last ADMIN; make another reviewer ADMIN first');
    }
    const votedBefore = hasRole(reviewer.role, Role.Reviewer);
    reviewer.role = input.role;
    const saved = await tx.save(reviewer);
    const votes = hasRole(input.role, Role.Reviewer);
    if (votes !== votedBefore) {
      const reason = votes ? `A reviewer's role became ${input.role}: their votes count again` : `A reviewer's role became ${input.role}: their votes stopped counting`;
      await recomputeVotersVerdicts(unit, [reviewer.id], { at: new Date(), actorId: actor.id, reason });
    }
    return saved;
  });
}

/**
 * The reviewer a bearer token names, read fresh with whether any membership of theirs is
 * SUSPENDED (so a suspension or demotion counts at the next request or socket operation);
 * UNAUTHENTICATED when the token is bad or its reviewer is gone.
 */
export async function reviewerForToken(ctx: Pick<RequestContext, 'app'>, token: string): Promise<Viewer> {
  const viewer = await readViewer(ctx.app.dataSource, await ctx.app.tokens.verify(token));
  if (!viewer) throw unauthenticated('Invalid token');
  return viewer;
}

/** A reviewer as a viewer, with whether any membership of theirs is SUSPENDED; null when gone. */
async function readViewer(dataSource: DataSource, reviewerId: string): Promise<Viewer | null> {
  const found = await reviewerWithStanding(dataSource, reviewerId);
  return found && Object.assign(found.reviewer, { suspended: found.suspended });
}

/** One reviewer, read in `tx`. */
async function readReviewer(tx: EntityManager, reviewerId: string): Promise<ReviewerEntity> {
  return tx.findOneByOrFail(ReviewerEntity, { id: reviewerId });
}

/** A reviewer's email is shown to the reviewer and to admins only. */
export function visibleEmail(ctx: RequestContext, reviewer: ReviewerEntity): string | null {
  const looker = lookerAt(ctx.viewer, reviewer);
  return looker && (looker.id === reviewer.id || looker.role === Role.Admin) ? reviewer.email : null;
}
