import type { UnitOfWork } from './unit-of-work';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { VoteEntity } from '../entities/vote.entity';
import { VerdictStatus } from '../generated/schema-types';
import { appendActivity, type NewActivity } from './activity-log';
import { policyOf } from './event-service';
import { ballotsOf, changeVerdicts, ruleTarget } from './verdict-changes';

/** A change of who may vote, as the log of every verdict it moves records it. */
interface TrustChange {
  at: Date;
  actorId: string;
  /** Activity.reason of each VERDICT_CHANGED entry: public, so it names no reviewer. */
  reason: string;
}

/**
 * Recomputes every unpublished verdict that the reviewers' votes bear on, in the caller's
 * transaction, after the caller has changed whether (or for which organisation) those votes
 * count and has locked the reviewers' rows. Follows the lock order of claim-locks: the events
 * FOR SHARE in id order, then the claims FOR UPDATE in id order (published ones too, so that a
 * claim reopened meanwhile is seen as it now is), then each event's log head, last. Returns the
 * number of verdicts that changed, duplicates included (one VERDICT_CHANGED entry each).
 */
export async function recomputeVotersVerdicts(unit: UnitOfWork, reviewerIds: readonly string[], change: TrustChange): Promise<number> {
  if (reviewerIds.length === 0) return 0;
  const { tx } = unit;
  // Ids as one array (= ANY), not a parameter each (IN): an organisation's members may have voted
  // on more claims than a statement may have parameters (65,535).
  const voted = await tx
    .createQueryBuilder(VoteEntity, 'v')
    .innerJoin(ClaimEntity, 'c', 'c.id = v.claimId')
    .select('c.id', 'claimId')
    .addSelect('c.eventId', 'eventId')
    .distinct()
    .where('v.reviewerId = ANY(:reviewerIds::uuid[])', { reviewerIds })
    .getRawMany<{ claimId: string; eventId: string }>();
  if (voted.length === 0) return 0;
  const eventIds = [...new Set(voted.map((claim) => claim.eventId))].sort();
  const events = await tx
    .createQueryBuilder(BreakingEventEntity, 'e')
    .where('e.id = ANY(:eventIds::uuid[])', { eventIds })
    .orderBy('e.id')
    .setLock('pessimistic_read')
    .getMany();
  const claims = await tx
    .createQueryBuilder(ClaimEntity, 'c')
    .where('c.id = ANY(:claimIds::uuid[])', { claimIds: voted.map((claim) => claim.claimId) })
    .orderBy('c.id')
    .setLock('pessimistic_write')
    .getMany();
  const open = claims.filter((claim) => !claim.duplicateOfId && claim.verdict.status !== VerdictStatus.Published);
  const ballots = await ballotsOf(tx, open.map((claim) => claim.id));
  const logs = new Map<string, NewActivity[]>();
  let changed = 0;
  for (const event of events) {
    const moves = open.filter((claim) => claim.eventId === event.id).map((claim) => ({ claim, target: ruleTarget(ballots.get(claim.id) ?? [], policyOf(event)) }));
    const log: NewActivity[] = [];
    changed += (await changeVerdicts(tx, moves, { at: change.at, actorId: change.actorId, log, reason: change.reason })).length;
    logs.set(event.id, log);
  }
  for (const [eventId, log] of logs) await appendActivity(unit, eventId, log, change.at);
  return changed;
}
