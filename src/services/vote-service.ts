import { In } from 'typeorm';
import { z } from 'zod';
import { EvidenceEntity } from '../entities/evidence.entity';
import { VoteEntity, VoteEvidenceEntity } from '../entities/vote.entity';
import type { ClaimEntity } from '../entities/claim.entity';
import { ActivityType, Role, VerdictStatus, type CastVoteInput, type RetractVoteInput } from '../generated/schema-types';
import { badInput, conflict, forbidden } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { Limits, optionalText, parseInput } from '../domain/input-rules';
import { requireStanding } from '../domain/trust';
import { appendActivity, NewActivity } from './activity-log';
import { assertEventOpen, LockedClaim, lockClaim } from './claim-locks';
import { policyOf } from './event-service';
import { ListOrders } from './list-orders';
import { ConnectionModel, pageRequest, toConnection } from './pagination';
import type { RequestContext } from './request-context';
import { transact, type UnitOfWork } from './unit-of-work';
import { ballotsOf, changeVerdict, ruleTarget } from './verdict-changes';
import { lockVoterRow, upsertVote } from '../db/statements/vote-path';

const castVoteInput = z.object({
  rationale: optionalText(Limits.longText),
  evidenceIds: z.array(z.string()).max(50, 'must list at most 50 items').nullish(),
});

/** What casting a vote did: the reviewer's vote as it now stands, and its claim with the verdict recomputed from all its votes. */
export interface VoteCast {
  vote: VoteEntity;
  claim: ClaimEntity;
}

/**
 * REVIEWER or above, not suspended. One vote per reviewer and claim: a second call replaces the
 * first. The verdict is recomputed from all the claim's votes in the same transaction, under
 * the claim's row lock, so two reviewers voting at the same instant both count. The voter's own
 * row is locked first (FOR SHARE), so a suspension, a role change or a verification that
 * concerns the voter waits for the vote or the vote for it, and the voter's standing is checked
 * again under that lock: a vote that would not count is refused and nothing is written.
 */
export async function castVote(ctx: RequestContext, input: CastVoteInput): Promise<VoteCast> {
  const actor = requireStanding(ctx.viewer, Role.Reviewer);
  const claimId = decodeGlobalId(input.claimId, 'Claim');
  const fields = parseInput(castVoteInput, input);
  const evidenceIds = [...new Set((fields.evidenceIds ?? []).map((id) => decodeGlobalId(id, 'Evidence')))];
  const cast = await transact(ctx, async (tx, unit) => {
    await lockVoterRow(tx, actor.id); // first of a vote's locks (claim-locks' lock order)
    const locked = await lockClaim(tx, claimId);
    assertVotingOpen(locked);
    if (evidenceIds.length && (await tx.countBy(EvidenceEntity, { id: In(evidenceIds), claimId })) !== evidenceIds.length) {
      throw badInput('evidenceIds must name evidence of the same claim', 'evidenceIds');
    }
    const at = new Date();
    const vote = await upsertVote(tx, { claimId, reviewerId: actor.id, rating: input.rating, rationale: fields.rationale ?? null, at });
    if (evidenceIds.length) await tx.insert(VoteEvidenceEntity, evidenceIds.map((evidenceId) => ({ voteId: vote.id, evidenceId })));
    const log: NewActivity[] = [{ type: ActivityType.VoteCast, claimId, actorId: actor.id }];
    await recomputeAndLog(unit, locked, { at, actorId: actor.id, log }, actor.id);
    return { vote, claim: locked.claim };
  });
  ctx.app.metrics.voteCast(input.rating);
  return cast;
}

/** REVIEWER or above: removes the reviewer's own vote; CONFLICT when there is none. */
export async function retractVote(ctx: RequestContext, input: RetractVoteInput): Promise<ClaimEntity> {
  const actor = requireStanding(ctx.viewer, Role.Reviewer);
  const claimId = decodeGlobalId(input.claimId, 'Claim');
  return transact(ctx, async (tx, unit) => {
    const locked = await lockClaim(tx, claimId);
    assertVotingOpen(locked);
    const removed = await tx.delete(VoteEntity, { claimId, reviewerId: actor.id });
    if (!removed.affected) throw conflict('You have no vote on this claim');
    const at = new Date();
    await recomputeAndLog(unit, locked, { at, actorId: actor.id, log: [{ type: ActivityType.VoteRetracted, claimId, actorId: actor.id }] });
    return locked.claim;
  });
}

/** Recomputes the locked claim's verdict and logs the change; with `voterId`, FORBIDDEN (before anything is kept) when that voter's vote would not count. */
async function recomputeAndLog(
  unit: UnitOfWork,
  { claim, event }: LockedClaim,
  change: { at: Date; actorId: string; log: NewActivity[] },
  voterId?: string,
): Promise<void> {
  const { tx } = unit;
  const ballots = (await ballotsOf(tx, [claim.id])).get(claim.id) ?? [];
  if (voterId && !ballots.some((ballot) => ballot.voterId === voterId && ballot.counts)) {
    throw forbidden('Your vote would not count: your role or membership no longer allows voting');
  }
  await changeVerdict(tx, claim, ruleTarget(ballots, policyOf(event)), change);
  await appendActivity(unit, event.id, change.log, change.at);
}

function assertVotingOpen({ claim, event }: LockedClaim): void {
  assertEventOpen(event);
  if (claim.duplicateOfId) throw conflict('The claim is a duplicate; vote on its original');
  if (claim.verdict.status === VerdictStatus.Published) throw conflict('The verdict is published; votes are closed until it is reopened');
}

/** A claim's votes, oldest first. */
export async function claimVotes(
  ctx: RequestContext,
  claim: ClaimEntity,
  args: { first?: number | null; after?: string | null },
  only: readonly string[] | null = null,
): Promise<ConnectionModel<VoteEntity>> {
  const order = ListOrders.votesOldest;
  const request = pageRequest(order, args.first, args.after);
  const rows = await ctx.loaders.votesPage.load({ parentId: claim.id, limit: request.limit, after: request.after, only });
  return toConnection(order, rows, request, () => ctx.loaders.votesCount.load(claim.id));
}
