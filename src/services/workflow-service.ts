import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { ClaimEntity } from '../entities/claim.entity';
import { ActivityType, Role, VerdictStatus, type MarkDuplicateInput, type PublishVerdictInput, type ReopenClaimInput } from '../generated/schema-types';
import { badInput, conflict } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { Limits, parseInput, text } from '../domain/input-rules';
import { Actor, requireRole } from '../domain/roles';
import { explainPublished } from '../domain/verdict-explanation';
import { appendActivity, NewActivity } from './activity-log';
import { LockedClaim, lockClaim, lockClaims } from './claim-locks';
import { policyOf } from './event-service';
import type { RequestContext } from './request-context';
import { transact } from './unit-of-work';
import { changeVerdict, ruleVerdict } from './verdict-changes';

const summaryInput = z.object({ summary: text(Limits.longText) });
const reasonInput = z.object({ reason: text(Limits.longText) });

/** EDITOR or ADMIN. Only from CONSENSUS, keeping the agreed rating; CONFLICT otherwise. */
export async function publishVerdict(ctx: RequestContext, input: PublishVerdictInput): Promise<ClaimEntity> {
  return editClaim(ctx, input.claimId, async (tx, { claim }, change) => {
    const { summary } = parseInput(summaryInput, input);
    if (claim.verdict.status !== VerdictStatus.Consensus) {
      throw conflict(`Only a claim in CONSENSUS can be published; this one is ${claim.verdict.status}`);
    }
    const consensus = claim.verdict;
    const published = {
      ...consensus,
      status: VerdictStatus.Published,
      publishedAt: change.at,
      publishedById: change.actorId,
      summary,
      explanation: explainPublished(consensus.explanation),
    };
    await changeVerdict(tx, claim, published, change);
    change.log.push({ type: ActivityType.VerdictPublished, claimId: claim.id, actorId: change.actorId, verdict: claim.verdict });
  });
}

/** EDITOR or ADMIN. Takes a published claim back to the rule's status; the reason is logged as a public correction. */
export async function reopenClaim(ctx: RequestContext, input: ReopenClaimInput): Promise<ClaimEntity> {
  return editClaim(ctx, input.claimId, async (tx, { claim, event }, change) => {
    const { reason } = parseInput(reasonInput, input);
    if (claim.verdict.status !== VerdictStatus.Published) throw conflict('Only a published claim can be reopened');
    await changeVerdict(tx, claim, await ruleVerdict(tx, claim, policyOf(event)), change);
    change.log.push({ type: ActivityType.ClaimReopened, claimId: claim.id, actorId: change.actorId, verdict: claim.verdict, detail: { reason } });
  });
}

/**
 * EDITOR or ADMIN. The claim takes its original's verdict from now on and no votes. The
 * original must be in the same event and not itself a duplicate; the claim's own duplicates
 * move to the original, so no chain (and so no cycle) can form.
 */
export async function markDuplicate(ctx: RequestContext, input: MarkDuplicateInput): Promise<ClaimEntity> {
  const actor = requireRole(ctx.viewer, Role.Editor);
  const claimId = decodeGlobalId(input.claimId, 'Claim');
  const originalId = decodeGlobalId(input.duplicateOfId, 'Claim');
  if (claimId === originalId) throw badInput('A claim cannot be a duplicate of itself', 'duplicateOfId');
  return transact(ctx, async (tx, unit) => {
    const [{ claim, event }, { claim: original }] = await lockClaims(tx, [claimId, originalId]);
    if (original.duplicateOfId) throw conflict('The original is itself a duplicate; name its original instead');
    if (claim.duplicateOfId) throw conflict('The claim is already marked as a duplicate');
    if (claim.verdict.status === VerdictStatus.Published) throw conflict('The claim is published; reopen it first');
    const change = { at: new Date(), actorId: actor.id, log: [] as NewActivity[] };
    await tx.update(ClaimEntity, { id: claim.id }, { duplicateOfId: original.id });
    claim.duplicateOfId = original.id;
    await changeVerdict(tx, claim, original.verdict, change);
    await tx.update(ClaimEntity, { duplicateOfId: claim.id }, { duplicateOfId: original.id });
    change.log.unshift({
      type: ActivityType.ClaimMarkedDuplicate,
      claimId: claim.id,
      actorId: actor.id,
      verdict: claim.verdict,
      detail: { duplicateOfId: original.id },
    });
    await appendActivity(unit, event.id, change.log, change.at);
    return claim;
  });
}

/** An editor's change to one claim that is not a duplicate, logged in one transaction. */
async function editClaim(
  ctx: RequestContext,
  globalId: string,
  edit: (tx: EntityManager, locked: LockedClaim, change: { at: Date; actorId: string; log: NewActivity[] }) => Promise<void>,
): Promise<ClaimEntity> {
  const actor: Actor = requireRole(ctx.viewer, Role.Editor);
  const claimId = decodeGlobalId(globalId, 'Claim');
  return transact(ctx, async (tx, unit) => {
    const locked = await lockClaim(tx, claimId);
    if (locked.claim.duplicateOfId) throw conflict('The claim is a duplicate; its verdict is its original\'s');
    const change = { at: new Date(), actorId: actor.id, log: [] as NewActivity[] };
    await edit(tx, locked, change);
    await appendActivity(unit, locked.event.id, change.log, change.at);
    return locked.claim;
  });
}
