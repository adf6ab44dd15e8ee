import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { sqlState } from '../db/transaction';
import { MembershipEntity, OrganizationEntity } from '../entities/organization.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { MembershipStatus, Role, type CreateOrganizationInput, type SetOrganizationVerifiedInput } from '../generated/schema-types';
import { conflict, forbidden, notFound } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { Limits, optionalHttpUrl, parseInput, text } from '../domain/input-rules';
import { requireRole } from '../domain/roles';
import { builtConnection, ConnectionModel } from './pagination';
import { ListOrders } from './list-orders';
import type { RequestContext } from './request-context';
import type { Viewer } from './viewer';
import { transact } from './unit-of-work';
import { recomputeVotersVerdicts } from './trust-recompute';

const organizationInput = z.object({ name: text(Limits.shortText), url: optionalHttpUrl });

/** What setOrganizationVerified did. */
interface VerificationChange {
  organization: OrganizationEntity;
  recomputedClaimCount: number;
}

/** ADMIN only. CONFLICT when the name (trimmed, case-insensitive) is taken. */
export async function createOrganization(ctx: RequestContext, input: CreateOrganizationInput): Promise<OrganizationEntity> {
  requireRole(ctx.viewer, Role.Admin);
  const fields = parseInput(organizationInput, input);
  return transact(ctx, async (tx) => {
    try {
      return await tx.save(tx.create(OrganizationEntity, { name: fields.name, url: fields.url ?? null, verified: input.verified ?? false }));
    } catch (error) {
      if (sqlState(error) === '23505') throw conflict('An organisation with this name already exists');
      throw error;
    }
  });
}

/**
 * ADMIN only. Verifying or unverifying moves whether the organisation's ACTIVE members count
 * toward minOrganizations: every unpublished verdict they voted on is recomputed, with the
 * reason logged. The organisation is locked FOR UPDATE, then its members' rows, so a member's
 * vote or a new member's approval waits for it, or it for them.
 */
export async function setOrganizationVerified(ctx: RequestContext, input: SetOrganizationVerifiedInput): Promise<VerificationChange> {
  const actor = requireRole(ctx.viewer, Role.Admin);
  const organizationId = decodeGlobalId(input.organizationId, 'Organization');
  return transact(ctx, async (tx, unit) => {
    const organization = await lockOrganization(tx, organizationId, 'pessimistic_write');
    if (organization.verified === input.verified) return { organization, recomputedClaimCount: 0 };
    organization.verified = input.verified;
    const saved = await tx.save(organization);
    // The members' rows in id order, as every taker of several reviewers' locks takes them.
    const members = await tx
      .getRepository(ReviewerEntity)
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .where((query) => {
        const active = query.subQuery().select('m.reviewerId').from(MembershipEntity, 'm').where('m.organizationId = :organizationId AND m.status = :active');
        return `r.id IN ${active.getQuery()}`;
      })
      .setParameters({ organizationId, active: MembershipStatus.Active })
      .orderBy('r.id')
      .setLock('pessimistic_write')
      .getRawMany<{ id: string }>();
    const reason = input.verified
      ? `${organization.name} was verified: its members' votes now count toward the organisations a verdict needs`
      : `${organization.name} is no longer verified: its members' votes no longer count toward the organisations a verdict needs`;
    const recomputedClaimCount = await recomputeVotersVerdicts(unit, members.map((member) => member.id), { at: new Date(), actorId: actor.id, reason });
    return { organization: saved, recomputedClaimCount };
  });
}

/** Public: the organisations by name (case-insensitive), optionally only the verified or the unverified ones. */
export function listOrganizations(
  ctx: RequestContext,
  args: { first?: number | null; after?: string | null; verified?: boolean | null },
): Promise<ConnectionModel<OrganizationEntity>> {
  const verified = args.verified ?? null;
  return builtConnection(ListOrders.organizationsByName, args, {
    listed: () => {
      const organizations = ctx.app.dataSource.getRepository(OrganizationEntity).createQueryBuilder('o');
      return verified === null ? organizations : organizations.where('o.verified = :verified', { verified });
    },
    sorted: (organizations) => organizations.orderBy('lower(o.name)').addOrderBy('o.id'),
    // The cursor holds the id alone; the name it sorts by is the organisation's as it is now.
    // Written out: TypeORM's sub-query builder selects a column before an expression, whatever
    // the order asked, and the row comparison needs the name first.
    past: (organizations, [after]) =>
      organizations.andWhere('(lower(o.name), o.id) > (SELECT lower(a.name), a.id FROM organizations a WHERE a.id = :after)', { after }),
  });
}

/** An organisation's memberships, oldest first: for its admins and ADMINs only, FORBIDDEN for everyone else. */
export async function organizationMemberships(
  ctx: RequestContext,
  organization: OrganizationEntity,
  args: { first?: number | null; after?: string | null; status?: MembershipStatus | null },
): Promise<ConnectionModel<MembershipEntity>> {
  if (!(await administers(ctx, organization.id))) throw forbidden("Only the organisation's admins and ADMINs see its members");
  const status = args.status ?? null;
  return builtConnection(ListOrders.membershipsOldest, args, {
    listed: () => {
      const members = ctx.app.dataSource
        .getRepository(MembershipEntity)
        .createQueryBuilder('m')
        .where('m.organizationId = :organizationId', { organizationId: organization.id });
      return status === null ? members : members.andWhere('m.status = :status', { status });
    },
    sorted: (members) => members.orderBy('m.createdAt').addOrderBy('m.id'),
    past: (members, [createdAt, id]) =>
      members.andWhere('(m.createdAt, m.id) > (:createdAt::timestamptz, :id::uuid)', { createdAt: new Date(createdAt as number).toISOString(), id }),
  });
}

/** Whether the viewer may manage the organisation's members: an ADMIN, or one of its ACTIVE orgAdmin members. */
async function administers(ctx: RequestContext, organizationId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  if (ctx.viewer.role === Role.Admin) return true;
  return ctx.loaders.viewerAdministers.load(organizationId);
}

/** An organisation by its database id, locked FOR SHARE (read) or FOR UPDATE (write); NOT_FOUND when there is none. */
export async function lockOrganization(
  tx: EntityManager,
  organizationId: string,
  mode: 'pessimistic_read' | 'pessimistic_write',
): Promise<OrganizationEntity> {
  const organization = await tx.findOne(OrganizationEntity, { where: { id: organizationId }, lock: { mode } });
  if (!organization) throw notFound('Organization');
  return organization;
}

/**
 * A membership as the viewer may see it: their own, or one of an organisation they administer
 * (ADMINs: all); null otherwise. `looker` is the viewer, unless an anonymous request looks at
 * the account it has just signed in to (see lookerAt).
 */
export async function visibleMembership(
  ctx: RequestContext,
  membership: MembershipEntity | null,
  looker: Viewer | null = ctx.viewer,
): Promise<MembershipEntity | null> {
  if (!membership || !looker) return null;
  if (membership.reviewerId === looker.id || (await administers(ctx, membership.organizationId))) return membership;
  return null;
}
