import type { EntityManager } from 'typeorm';
import { ballotRows, storeVerdicts } from '../db/statements/vote-path';
import type { ClaimEntity } from '../entities/claim.entity';
import type { StoredVerdict } from '../entities/verdict.embedded';
import { ActivityType } from '../generated/schema-types';
import { Ballot, computeVerdict, outcomeChanged, VerdictState } from '../domain/verdict';
import { countsTowardVerdict } from '../domain/trust';
import type { ConsensusPolicy } from '../domain/policy';
import type { NewActivity } from './activity-log';

/** What a verdict change sets; version and updatedAt follow from it. */
type VerdictTarget = Omit<VerdictState, 'version' | 'updatedAt'>;

/** A change that may move verdicts: when, by whom, the log it appends to, and why, when the system knows. */
interface VerdictChangeContext {
  at: Date;
  actorId: string | null;
  log: NewActivity[];
  /** Logged as the entries' reason (Activity.reason). */
  reason?: string;
}

/** A locked claim and the verdict the rule (or an editor) gives it. */
interface VerdictMove {
  claim: ClaimEntity;
  target: VerdictTarget;
}

/**
 * Moves a locked claim's verdict to the target when anything clients see changes: version up
 * by one, updatedAt to `at`, a VERDICT_CHANGED entry, and the same for each of its duplicates,
 * whose verdict is always their original's. Returns whether the claim's verdict changed.
 */
export async function changeVerdict(tx: EntityManager, claim: ClaimEntity, target: VerdictTarget, change: VerdictChangeContext): Promise<boolean> {
  return (await changeVerdicts(tx, [{ claim, target }], change)).includes(claim);
}

/**
 * changeVerdict for many locked claims at once: every changed verdict is stored in one
 * statement, and their duplicates are locked in the same one, however many claims move.
 * Returns the claims whose verdict changed, duplicates included, each with one VERDICT_CHANGED
 * entry in `change.log`.
 */
export async function changeVerdicts(tx: EntityManager, moves: readonly VerdictMove[], change: VerdictChangeContext): Promise<ClaimEntity[]> {
  const changed = moves.flatMap(({ claim, target }) => {
    const previous = claim.verdict;
    const published = previous.publishedAt?.getTime() !== target.publishedAt?.getTime();
    if (!outcomeChanged(previous, target) && !published) return [];
    return [{ claim, target, previous, verdict: { ...target, version: previous.version + 1, updatedAt: change.at } }];
  });
  if (changed.length === 0) return [];
  const duplicates = await storeVerdicts(tx, changed.map(({ claim, verdict }) => ({ claimId: claim.id, verdict })));
  const targets = new Map<string, VerdictTarget>();
  for (const { claim, target, previous, verdict } of changed) {
    claim.verdict = verdict;
    targets.set(claim.id, target);
    change.log.push({
      type: ActivityType.VerdictChanged,
      claimId: claim.id,
      actorId: change.actorId,
      previous,
      verdict,
      ...(change.reason ? { detail: { reason: change.reason } } : {}),
    });
  }
  const followers = await changeVerdicts(tx, duplicates.map((duplicate) => ({ claim: duplicate, target: targets.get(duplicate.duplicateOfId!)! })), change);
  return [...changed.map(({ claim }) => claim), ...followers];
}

/** The rule's verdict for a claim from its current votes, under the event's policy. */
export async function ruleVerdict(
  tx: EntityManager,
  claim: ClaimEntity,
  policy: ConsensusPolicy,
): Promise<VerdictTarget> {
  return ruleTarget((await ballotsOf(tx, [claim.id])).get(claim.id) ?? [], policy);
}

/** A stored vote as the rule sees it, with who cast it. */
interface VoterBallot extends Ballot {
  voterId: string;
}

/** The rule's verdict from given votes: unpublished, as every recomputation is. */
export function ruleTarget(ballots: readonly Ballot[], policy: ConsensusPolicy): VerdictTarget {
  return { ...computeVerdict(ballots, policy), publishedAt: null, publishedById: null, summary: null };
}

/** The votes of claims as the verdict rule sees them, read inside the transaction (ballotRows). */
export async function ballotsOf(tx: EntityManager, claimIds: readonly string[]): Promise<Map<string, VoterBallot[]>> {
  const rows = await ballotRows(tx, claimIds);
  const byClaim = new Map<string, VoterBallot[]>();
  for (const { claimId, voterId, rating, role, suspended, organization } of rows) {
    let ballots = byClaim.get(claimId);
    if (!ballots) byClaim.set(claimId, (ballots = []));
    ballots.push({ voterId, rating, organization, counts: countsTowardVerdict({ role, suspended }) });
  }
  return byClaim;
}

/** The verdict of a new claim: UNVERIFIED, no votes, version 0. */
export function initialVerdict(at: Date, policy: ConsensusPolicy): StoredVerdict {
  return { ...computeVerdict([], policy), version: 0, updatedAt: at, publishedAt: null, publishedById: null, summary: null };
}
