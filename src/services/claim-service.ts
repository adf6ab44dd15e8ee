import { z } from 'zod';
import { ClaimEntity } from '../entities/claim.entity';
import { ActivityType, ClaimOrder, Role, type ClaimFilter, type SubmitClaimInput } from '../generated/schema-types';
import { decodeGlobalId } from '../domain/global-id';
import { httpUrl, languageTag, Limits, optionalText, parseInput, text } from '../domain/input-rules';
import { requireStanding } from '../domain/trust';
import { appendActivity } from './activity-log';
import { assertEventOpen, lockEvent } from './claim-locks';
import { ListOrders } from './list-orders';
import { claimsFilter } from '../db/statements/list-filters';
import { descendingPage } from '../db/statements/list-page';
import { ConnectionModel, pageRequest, rankedOrder, toConnection } from './pagination';
import type { RequestContext } from './request-context';
import { transact } from './unit-of-work';
import { ClaimMatchModel, similarClaims } from './similarity';
import { initialVerdict } from './verdict-changes';
import { policyOf } from './event-service';
import { findIdempotentResult, idempotencyColumns, idempotencyOf } from './idempotency';

const submitClaimInput = z.object({
  statement: text(Limits.statement),
  context: optionalText(Limits.longText),
  sourceUrl: httpUrl.nullish(),
  language: languageTag,
  firstSeenAt: z.date().nullish(),
});

const searchInput = optionalText(500);

/** A claim as submitted, and the claims of its event that read like it, best match first. */
interface SubmittedClaim {
  claim: ClaimEntity;
  similar: ClaimMatchModel[];
}

/** REVIEWER or above, on an open event. Returns the claim and the event's claims that read like it. */
export async function submitClaim(ctx: RequestContext, input: SubmitClaimInput): Promise<SubmittedClaim> {
  const actor = requireStanding(ctx.viewer, Role.Reviewer);
  const eventId = decodeGlobalId(input.eventId, 'Event');
  const fields = parseInput(submitClaimInput, input);
  const idempotency = idempotencyOf(input.idempotencyKey, { eventId, ...fields });
  const claim = await transact(ctx, async (tx, unit) => {
    const retried = await findIdempotentResult(tx, ClaimEntity, actor.id, idempotency);
    if (retried) return retried;
    const event = await lockEvent(tx, eventId, 'FOR SHARE');
    assertEventOpen(event);
    const created = await tx.save(
      tx.create(ClaimEntity, {
        eventId,
        statement: fields.statement,
        context: fields.context ?? null,
        sourceUrl: fields.sourceUrl ?? null,
        language: fields.language ?? null,
        firstSeenAt: fields.firstSeenAt ?? null,
        submittedById: actor.id,
        ...idempotencyColumns(idempotency),
        verdict: initialVerdict(new Date(), policyOf(event)),
      }),
    );
    await appendActivity(unit, eventId, [{ type: ActivityType.ClaimSubmitted, claimId: created.id, actorId: actor.id }], created.createdAt);
    return created;
  });
  const similar = await similarClaims(ctx, { text: claim.statement, eventId, first: 5, excludeId: claim.id });
  return { claim, similar };
}

/** Null when no claim has this ID; NOT_FOUND when the ID is malformed. */
export function findClaim(ctx: RequestContext, globalId: string): Promise<ClaimEntity | null> {
  return ctx.loaders.claim.load(decodeGlobalId(globalId, 'Claim'));
}

/**
 * Claims, filtered, newest first or most recently changed first; with a search, the claims it
 * finds word for word ahead of those it finds by resemblance, the closest first (see
 * claim-search.ts), then in that order. With `only` some properties, if given.
 */
export async function listClaims(
  ctx: RequestContext,
  args: { first?: number | null; after?: string | null; filter?: ClaimFilter | null; orderBy?: ClaimOrder | null },
  only: readonly string[] | null = null,
): Promise<ConnectionModel<ClaimEntity>> {
  const byUpdate = args.orderBy === ClaimOrder.RecentlyUpdated;
  const listed = byUpdate ? ListOrders.claimsRecentlyUpdated : ListOrders.claimsNewest;
  const search = parseInput(searchInput, args.filter?.search ?? null);
  const request = pageRequest(search ? rankedOrder(listed) : listed, args.first, args.after);
  const { eventId, status, rating } = args.filter ?? {};
  const event = eventId ? decodeGlobalId(eventId, 'Event') : null;
  const filter = claimsFilter({ eventId: event, statuses: status, ratings: rating, search });
  const sortedBy = byUpdate ? 'verdict.updatedAt' : 'createdAt';
  const { rows, rankOf, count } = await descendingPage(ctx.app.dataSource, ClaimEntity, filter, sortedBy, request, only);
  const order = search ? rankedOrder(listed, rankOf) : listed;
  // All of an event's claims: counted with its stats, which a board reads too (one statement fewer).
  const allOfEvent = event !== null && !status?.length && !rating?.length && !search;
  return toConnection(order, rows, request, allOfEvent ? async () => (await ctx.loaders.eventStats.load(event)).claimCount : count);
}
