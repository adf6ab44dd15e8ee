import { z } from 'zod';
import { EvidenceEntity } from '../entities/evidence.entity';
import { ActivityType, Role, type AddEvidenceInput, type Stance } from '../generated/schema-types';
import { badInput } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { httpUrl, Limits, optionalText, parseInput } from '../domain/input-rules';
import { requireStanding } from '../domain/trust';
import type { ClaimEntity } from '../entities/claim.entity';
import { appendActivity } from './activity-log';
import { assertEventOpen, lockClaim } from './claim-locks';
import { ListOrders } from './list-orders';
import { ConnectionModel, pageRequest, toConnection } from './pagination';
import type { RequestContext } from './request-context';
import { transact } from './unit-of-work';
import { findIdempotentResult, idempotencyColumns, idempotencyOf } from './idempotency';

const addEvidenceInput = z.object({
  url: httpUrl.nullish(),
  title: optionalText(Limits.shortText),
  excerpt: optionalText(Limits.excerpt),
});

/** REVIEWER or above, on an open event; a url, a title or an excerpt is required. */
export async function addEvidence(ctx: RequestContext, input: AddEvidenceInput): Promise<EvidenceEntity> {
  const actor = requireStanding(ctx.viewer, Role.Reviewer);
  const claimId = decodeGlobalId(input.claimId, 'Claim');
  const fields = parseInput(addEvidenceInput, input);
  if (!fields.url && !fields.title && !fields.excerpt) throw badInput('Evidence needs a url, a title or an excerpt', 'excerpt');
  const idempotency = idempotencyOf(input.idempotencyKey, { claimId, stance: input.stance, ...fields });
  return transact(ctx, async (tx, unit) => {
    const retried = await findIdempotentResult(tx, EvidenceEntity, actor.id, idempotency);
    if (retried) return retried;
    const { event } = await lockClaim(tx, claimId);
    assertEventOpen(event);
    const evidence = await tx.save(
      tx.create(EvidenceEntity, {
        claimId,
        stance: input.stance,
        url: fields.url ?? null,
        title: fields.title ?? null,
        excerpt: fields.excerpt ?? null,
        submittedById: actor.id,
        ...idempotencyColumns(idempotency),
      }),
    );
    await appendActivity(unit, event.id, [{ type: ActivityType.EvidenceAdded, claimId, actorId: actor.id }], evidence.createdAt);
    return evidence;
  });
}

/** A claim's evidence, oldest first, optionally of one stance. */
export async function claimEvidence(
  ctx: RequestContext,
  claim: ClaimEntity,
  args: { first?: number | null; after?: string | null; stance?: Stance | null },
  only: readonly string[] | null = null,
): Promise<ConnectionModel<EvidenceEntity>> {
  const order = ListOrders.evidenceOldest;
  const request = pageRequest(order, args.first, args.after);
  const rows = await ctx.loaders.evidencePage.load({ parentId: claim.id, limit: request.limit, after: request.after, stance: args.stance, only });
  return toConnection(order, rows, request, () =>
    ctx.loaders.evidenceCount.load(args.stance ? `${claim.id}:${args.stance}` : claim.id),
  );
}
