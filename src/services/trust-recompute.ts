import type { UnitOfWork } from './unit-of-work';
import { selectEntities } from '../db/statements/entity-rows';
import { queryRows } from '../db/statements/rows';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { VerdictStatus } from '../generated/graphql';
import { appendActivity, type NewActivity } from './activity-log';
import { policyOf } from './event-service';
import { ballotsOf, changeVerdicts, ruleTarget } from './verdict-changes';

/** A change of who may vote, as the log of every verdict it moves records it. */
export interface TrustChange {
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
  const voted = await queryRows<{ claimId: string; eventId: string }>(
    tx,
    `SELECT DISTINCT c.id AS "claimId", c.event_id AS "eventId"
       FROM votes v JOIN claims c ON c.id = v.claim_id
      WHERE v.reviewer_id = ANY($1::uuid[])`,
    [reviewerIds],
  );
  if (voted.length === 0) return 0;
  const eventIds = [...new Set(voted.map((claim) => claim.eventId))].sort();
  const events = await selectEntities(tx, BreakingEventEntity, 'WHERE x.id = ANY($1::uuid[]) ORDER BY x.id FOR SHARE', [eventIds]);
  const claims = await selectEntities(tx, ClaimEntity, 'WHERE x.id = ANY($1::uuid[]) ORDER BY x.id FOR UPDATE', [voted.map((claim) => claim.claimId)]);
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
