import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { selectEntities } from '../db/statements/entity-rows';
import { sqlState } from '../db/transaction';
import { queryRows } from '../db/statements/rows';
import { MembershipEntity, OrganizationEntity } from '../entities/organization.entity';
import { MembershipStatus, Role, type CreateOrganizationInput, type SetOrganizationVerifiedInput } from '../generated/graphql';
import { conflict, forbidden, notFound } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { Limits, optionalHttpUrl, parseInput, text } from '../domain/input-rules';
import { requireRole } from '../domain/roles';
import { ConnectionModel, pageRequest, toConnection } from './pagination';
import { ListOrders } from './list-orders';
import type { RequestContext } from './request-context';
import { transact } from './unit-of-work';
import { recomputeVotersVerdicts } from './trust-recompute';

const organizationInput = z.object({ name: text(Limits.shortText), url: optionalHttpUrl });

/** What setOrganizationVerified did. */
export interface VerificationChange {
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
    const organization = await lockOrganization(tx, organizationId, 'FOR UPDATE');
    if (organization.verified === input.verified) return { organization, recomputedClaimCount: 0 };
    organization.verified = input.verified;
    const saved = await tx.save(organization);
    const members = await queryRows<{ id: string }>(
      tx,
      `SELECT r.id FROM reviewers r
        WHERE r.id IN (SELECT reviewer_id FROM memberships WHERE organization_id = $1 AND status = '${MembershipStatus.Active}')
        ORDER BY r.id FOR UPDATE`,
      [organizationId],
    );
    const reason = input.verified
      ? `${organization.name} was verified: its members' votes now count toward the organisations a verdict needs`
      : `${organization.name} is no longer verified: its members' votes no longer count toward the organisations a verdict needs`;
    const recomputedClaimCount = await recomputeVotersVerdicts(unit, members.map((member) => member.id), { at: new Date(), actorId: actor.id, reason });
    return { organization: saved, recomputedClaimCount };
  });
}

/** Public: the organisations by name (case-insensitive), optionally only the verified or the unverified ones. */
export async function listOrganizations(
  ctx: RequestContext,
  args: { first?: number | null; after?: string | null; verified?: boolean | null },
): Promise<ConnectionModel<OrganizationEntity>> {
  const order = ListOrders.organizationsByName;
  const request = pageRequest(order, args.first, args.after);
  const verified = args.verified ?? null;
  const filter = '($1::boolean IS NULL OR x.verified = $1)';
  const rows = await selectEntities(
    ctx.app.dataSource.manager,
    OrganizationEntity,
    `WHERE ${filter} AND ($2::uuid IS NULL OR (lower(x.name), x.id) > (SELECT lower(name), id FROM organizations WHERE id = $2))
     ORDER BY lower(x.name), x.id LIMIT $3`,
    [verified, request.after?.[0] ?? null, request.limit + 1],
  );
  return toConnection(order, rows, request, async () => {
    const [{ count }] = await queryRows<{ count: number }>(ctx.app.dataSource.manager, `SELECT count(*) AS count FROM organizations x WHERE ${filter}`, [verified]);
    return count;
  });
}

/** An organisation's memberships, oldest first: for its admins and ADMINs only, FORBIDDEN for everyone else. */
export async function organizationMemberships(
  ctx: RequestContext,
  organization: OrganizationEntity,
  args: { first?: number | null; after?: string | null; status?: MembershipStatus | null },
): Promise<ConnectionModel<MembershipEntity>> {
  if (!(await administers(ctx, organization.id))) throw forbidden("Only the organisation's admins and ADMINs see its members");
  const order = ListOrders.membershipsOldest;
  const request = pageRequest(order, args.first, args.after);
  const after = request.after ? [new Date(request.after[0] as number).toISOString(), request.after[1]] : [null, null];
  const status = args.status ?? null;
  const filter = 'x.organization_id = $1 AND ($2::text IS NULL OR x.status = $2)';
  const rows = await selectEntities(
    ctx.app.dataSource.manager,
    MembershipEntity,
    `WHERE ${filter} AND ($3::timestamptz IS NULL OR (x.created_at, x.id) > ($3::timestamptz, $4::uuid))
     ORDER BY x.created_at, x.id LIMIT $5`,
    [organization.id, status, ...after, request.limit + 1],
  );
  return toConnection(order, rows, request, async () => {
    const [{ count }] = await queryRows<{ count: number }>(
      ctx.app.dataSource.manager,
      `SELECT count(*) AS count FROM memberships x WHERE ${filter}`,
      [organization.id, status],
    );
    return count;
  });
}

/** Whether the viewer may manage the organisation's members: an ADMIN, or one of its ACTIVE orgAdmin members. */
export async function administers(ctx: RequestContext, organizationId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  if (ctx.viewer.role === Role.Admin) return true;
  return ctx.loaders.viewerAdministers.load(organizationId);
}

/** An organisation by its database id, locked; NOT_FOUND when there is none. */
export async function lockOrganization(tx: EntityManager, organizationId: string, lock: 'FOR SHARE' | 'FOR UPDATE'): Promise<OrganizationEntity> {
  const [organization] = await selectEntities(tx, OrganizationEntity, `WHERE x.id = $1 ${lock}`, [organizationId]);
  if (!organization) throw notFound('Organization');
  return organization;
}

/** A membership as the viewer may see it: their own, or one of an organisation they administer (ADMINs: all); null otherwise. */
export async function visibleMembership(ctx: RequestContext, membership: MembershipEntity | null): Promise<MembershipEntity | null> {
  if (!membership || !ctx.viewer) return null;
  if (membership.reviewerId === ctx.viewer.id || (await administers(ctx, membership.organizationId))) return membership;
  return null;
}
