import { z } from 'zod';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { Role, type LogInInput, type SetReviewerRoleInput, type SignUpInput } from '../generated/graphql';
import { conflict, notFound, unauthenticated } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { email, Limits, optionalText, parseInput, password, text } from '../domain/input-rules';
import { requireRole } from '../domain/roles';
import type { DataSource } from 'typeorm';
import { selectEntities } from '../db/entity-rows';
import { sqlState } from '../db/transaction';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { RequestContext, transact } from './request-context';

export interface AuthResult {
  token: string;
  reviewer: ReviewerEntity;
}

const signUpInput = z.object({
  email,
  password,
  displayName: text(Limits.shortText),
  organization: optionalText(Limits.shortText),
});

/** Creates an account; the first on an empty database is an ADMIN. CONFLICT when the email is taken. */
export async function signUp(ctx: RequestContext, input: SignUpInput): Promise<AuthResult> {
  const fields = parseInput(signUpInput, input);
  const passwordHash = await hashPassword(fields.password);
  const reviewer = await transact(ctx, async (tx) => {
    // One sign-up or role change at a time: two cannot both become the first ADMIN.
    await tx.query('SELECT pg_advisory_xact_lock(7261002)');
    const first = (await tx.count(ReviewerEntity)) === 0;
    const row = tx.create(ReviewerEntity, {
      email: fields.email,
      passwordHash,
      displayName: fields.displayName,
      organization: fields.organization ?? null,
      role: first ? Role.Admin : Role.Reviewer,
    });
    try {
      return await tx.save(row);
    } catch (error) {
      if (sqlState(error) === '23505') throw conflict('An account with this email already exists');
      throw error;
    }
  });
  return { token: await ctx.app.tokens.issue(reviewer.id), reviewer };
}

/** UNAUTHENTICATED for a wrong email or password, alike, in the same time. */
export async function logIn(ctx: RequestContext, input: LogInInput): Promise<AuthResult> {
  const found = await ctx.app.dataSource
    .getRepository(ReviewerEntity)
    .createQueryBuilder('r')
    .addSelect('r.passwordHash')
    .where('lower(r.email) = lower(:email)', { email: String(input.email).trim() })
    .getOne();
  const valid = await verifyPassword(String(input.password), found?.passwordHash ?? (await decoyHash()));
  if (!found || !valid) throw unauthenticated('Wrong email or password');
  const { passwordHash: _hidden, ...reviewer } = found;
  return { token: await ctx.app.tokens.issue(found.id), reviewer: reviewer as ReviewerEntity };
}

/** ADMIN only. */
export async function setReviewerRole(ctx: RequestContext, input: SetReviewerRoleInput): Promise<ReviewerEntity> {
  requireRole(ctx.viewer, Role.Admin);
  const reviewerId = decodeGlobalId(input.reviewerId, 'Reviewer');
  return transact(ctx, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7261002)'); // the same lock as sign-up: one role change at a time
    const reviewer = await tx.findOne(ReviewerEntity, { where: { id: reviewerId }, lock: { mode: 'pessimistic_write' } });
    if (!reviewer) throw notFound('Reviewer');
    if (reviewer.role === Role.Admin && input.role !== Role.Admin && (await tx.countBy(ReviewerEntity, { role: Role.Admin })) === 1) {
      throw conflict('This is the last ADMIN; make another reviewer ADMIN first');
    }
    reviewer.role = input.role;
    return tx.save(reviewer);
  });
}

/** The reviewer a bearer token names; UNAUTHENTICATED when the token is bad or its reviewer is gone. */
export async function reviewerForToken(ctx: Pick<RequestContext, 'app'>, token: string): Promise<ReviewerEntity> {
  const reviewerId = await ctx.app.tokens.verify(token);
  const reviewer = await readReviewer(ctx.app.dataSource, reviewerId);
  if (!reviewer) throw unauthenticated('Invalid token');
  return reviewer;
}

/** One reviewer, read fresh (a request's loaders do not exist yet when its token is read). */
async function readReviewer(dataSource: DataSource, reviewerId: string): Promise<ReviewerEntity | null> {
  const [reviewer] = await selectEntities(dataSource.manager, ReviewerEntity, 'WHERE x.id = $1', [reviewerId]);
  return reviewer ?? null;
}

/** Who may see a reviewer's identity: any signed-in reviewer; nobody anonymous. */
export function canSeeReviewers(ctx: RequestContext): boolean {
  return ctx.viewer !== null;
}

/** A reviewer's email is shown to the reviewer and to admins only. */
export function visibleEmail(ctx: RequestContext, reviewer: ReviewerEntity): string | null {
  return ctx.viewer && (ctx.viewer.id === reviewer.id || ctx.viewer.role === Role.Admin) ? reviewer.email : null;
}
