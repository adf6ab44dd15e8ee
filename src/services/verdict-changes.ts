import type { EntityManager, ObjectLiteral } from 'typeorm';
import { entityRows } from '../db/entity-rows';
import { ClaimEntity } from '../entities/claim.entity';
import { ActivityType, VerdictStatus } from '../generated/graphql';
import { Ballot, computeVerdict, outcomeChanged, VerdictState } from '../domain/verdict';
import type { ConsensusPolicy } from '../domain/policy';
import type { NewActivity } from './activity-log';
import { queryRows } from '../db/transaction';

/** The verdict stored on a claim. */
export function verdictOf(claim: ClaimEntity): VerdictState {
  return {
    status: claim.verdictStatus,
    rating: claim.verdictRating,
    agreement: claim.verdictAgreement,
    voteCount: claim.verdictVoteCount,
    tally: claim.verdictTally,
    version: claim.verdictVersion,
    updatedAt: claim.verdictUpdatedAt,
    publishedAt: claim.verdictPublishedAt,
    publishedById: claim.verdictPublishedById,
    summary: claim.verdictSummary,
  };
}

/** What a verdict change sets; version and updatedAt follow from it. */
export type VerdictTarget = Omit<VerdictState, 'version' | 'updatedAt'>;

/**
 * Moves a locked claim's verdict to the target when anything clients see changes: version up
 * by one, updatedAt to `at`, a VERDICT_CHANGED entry, and the same for each of its duplicates,
 * whose verdict is always their original's. Returns whether the claim's verdict changed.
 */
export async function changeVerdict(
  tx: EntityManager,
  claim: ClaimEntity,
  target: VerdictTarget,
  change: { at: Date; actorId: string | null; log: NewActivity[] },
): Promise<boolean> {
  const previous = verdictOf(claim);
  const published = previous.publishedAt?.getTime() !== target.publishedAt?.getTime();
  if (!outcomeChanged(previous, target) && !published) return false;
  const verdict: VerdictState = { ...target, version: previous.version + 1, updatedAt: change.at };
  const duplicates = await storeVerdict(tx, claim.id, verdict);
  Object.assign(claim, verdictColumns(verdict));
  change.log.push({ type: ActivityType.VerdictChanged, claimId: claim.id, actorId: change.actorId, previous, verdict });
  for (const duplicate of duplicates) await changeVerdict(tx, duplicate, target, change);
  return true;
}

/**
 * Stores a locked claim's verdict and locks its duplicates FOR UPDATE, in id order (after the
 * claim itself, as claim-locks orders them); returns the duplicates. One statement, as it runs
 * on most votes (bench B2).
 */
async function storeVerdict(tx: EntityManager, claimId: string, verdict: VerdictState): Promise<ClaimEntity[]> {
  const claims = entityRows(tx.connection, ClaimEntity);
  const rows = await queryRows<ObjectLiteral>(
    tx,
    `WITH stored AS (
       UPDATE "${claims.table}"
          SET verdict_status = $2, verdict_rating = $3, verdict_agreement = $4, verdict_vote_count = $5,
              verdict_tally = $6::jsonb, verdict_version = $7, verdict_updated_at = $8, verdict_published_at = $9,
              verdict_published_by_id = $10, verdict_summary = $11, updated_at = now()
        WHERE id = $1
     )
     SELECT ${claims.columns('x')} FROM "${claims.table}" x WHERE x.duplicate_of_id = $1 ORDER BY x.id FOR UPDATE`,
    [
      claimId,
      verdict.status,
      verdict.rating,
      verdict.agreement,
      verdict.voteCount,
      JSON.stringify(verdict.tally),
      verdict.version,
      verdict.updatedAt,
      verdict.publishedAt,
      verdict.publishedById,
      verdict.summary,
    ],
  );
  return claims.hydrate(rows);
}

/** The rule's verdict for a claim from its current votes, under the event's policy. */
export async function ruleVerdict(
  tx: EntityManager,
  claim: ClaimEntity,
  policy: ConsensusPolicy,
): Promise<VerdictTarget> {
  return ruleTarget((await ballotsOf(tx, [claim.id])).get(claim.id) ?? [], policy);
}

/** The rule's verdict from given votes: unpublished, as every recomputation is. */
export function ruleTarget(ballots: readonly Ballot[], policy: ConsensusPolicy): VerdictTarget {
  return { ...computeVerdict(ballots, policy), publishedAt: null, publishedById: null, summary: null };
}

/** The votes of claims as the verdict rule sees them, read inside the transaction. */
export async function ballotsOf(tx: EntityManager, claimIds: readonly string[]): Promise<Map<string, Ballot[]>> {
  const rows = await queryRows<Ballot & { claimId: string }>(
    tx,
    `SELECT v.claim_id AS "claimId", v.rating, r.organization
       FROM votes v JOIN reviewers r ON r.id = v.reviewer_id
      WHERE v.claim_id = ANY($1::uuid[])`,
    [claimIds],
  );
  const byClaim = new Map<string, Ballot[]>();
  for (const { claimId, rating, organization } of rows) {
    byClaim.set(claimId, [...(byClaim.get(claimId) ?? []), { rating, organization }]);
  }
  return byClaim;
}

/** The verdict of a new claim: UNVERIFIED, no votes, version 0. */
export function initialVerdictColumns(at: Date): Partial<ClaimEntity> {
  return verdictColumns({
    status: VerdictStatus.Unverified,
    rating: null,
    agreement: 0,
    voteCount: 0,
    tally: [],
    version: 0,
    updatedAt: at,
    publishedAt: null,
    publishedById: null,
    summary: null,
  });
}

function verdictColumns(verdict: VerdictState): Partial<ClaimEntity> {
  return {
    verdictStatus: verdict.status,
    verdictRating: verdict.rating,
    verdictAgreement: verdict.agreement,
    verdictVoteCount: verdict.voteCount,
    verdictTally: verdict.tally,
    verdictVersion: verdict.version,
    verdictUpdatedAt: verdict.updatedAt,
    verdictPublishedAt: verdict.publishedAt,
    verdictPublishedById: verdict.publishedById,
    verdictSummary: verdict.summary,
  };
}
