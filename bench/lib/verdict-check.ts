import type { ConsensusPolicy } from '../../src/domain/policy';
import { countsTowardVerdict } from '../../src/domain/trust';
import { computeVerdict } from '../../src/domain/verdict';
import type { BallotRow } from '../../src/db/statements/vote-path';
import { ballotsQuery } from '../baselines/raw-verdict';
import type { Inspector } from './database';

/** A stored vote with what decides whether it counts, as the project's ballotRows reads it. */
export type StoredBallot = BallotRow;

export interface StoredVerdict {
  id: string;
  event_id: string;
  verdict_status: string;
  verdict_rating: string | null;
  verdict_agreement: number;
  verdict_vote_count: number;
  verdict_tally: { rating: string; votes: number }[];
  verdict_organization_count: number;
  verdict_explanation: string;
  verdict_version: number;
}

/** The log of one event in numbers: whether it is gapless, and its entries of each kind. */
export interface LogStats {
  entries: number;
  last: number;
  head: number;
  voteCast: number;
  verdictChanged: number;
}

/** The claims' stored votes, read with the ballots query of the project (and the baselines). */
export function readStoredBallots(db: Inspector, claimIds: readonly string[]): Promise<StoredBallot[]> {
  return db.query<StoredBallot>(ballotsQuery, [claimIds]);
}

export function readStoredVerdicts(db: Inspector, claimIds: readonly string[]): Promise<StoredVerdict[]> {
  return db.query<StoredVerdict>(
    `SELECT id, event_id, verdict_status, verdict_rating, verdict_agreement, verdict_vote_count, verdict_tally, verdict_organization_count,
            verdict_explanation, verdict_version
       FROM claims WHERE id = ANY($1::uuid[])`,
    [claimIds],
  );
}

/** How many of the claims have a verdict that is not the project's rule (computeVerdict) applied to their stored ballots. */
export function verdictsOffTheRule(claims: readonly StoredVerdict[], ballots: readonly StoredBallot[], policy: ConsensusPolicy): number {
  const byClaim = new Map<string, StoredBallot[]>();
  for (const ballot of ballots) {
    const list = byClaim.get(ballot.claimId);
    if (list) list.push(ballot);
    else byClaim.set(ballot.claimId, [ballot]);
  }
  return claims.filter((claim) => {
    const rule = computeVerdict(
      (byClaim.get(claim.id) ?? []).map((row) => ({ rating: row.rating, organization: row.organization, counts: countsTowardVerdict(row) })),
      policy,
    );
    return !(
      rule.status === claim.verdict_status &&
      rule.rating === claim.verdict_rating &&
      Math.abs(rule.agreement - Number(claim.verdict_agreement)) < 1e-9 &&
      rule.voteCount === Number(claim.verdict_vote_count) &&
      rule.organizationCount === Number(claim.verdict_organization_count) &&
      rule.explanation === claim.verdict_explanation &&
      JSON.stringify(rule.tally) === JSON.stringify(claim.verdict_tally.map((t) => ({ rating: t.rating, votes: t.votes })))
    );
  }).length;
}

export async function readLogStats(db: Inspector, eventId: string): Promise<LogStats> {
  const [stats] = await db.query<LogStats>(
    `SELECT count(*)::int AS entries, coalesce(max(position), 0)::int AS last,
            (SELECT position FROM event_log_heads WHERE event_id = $1)::int AS head,
            (count(*) FILTER (WHERE type = 'VOTE_CAST'))::int AS "voteCast",
            (count(*) FILTER (WHERE type = 'VERDICT_CHANGED'))::int AS "verdictChanged"
       FROM activity WHERE event_id = $1`,
    [eventId],
  );
  return stats;
}

/** Problems of an event's log: gaps, and VERDICT_CHANGED entries that are not one per verdict version of its claims. */
export function logProblems(stats: LogStats, claims: readonly StoredVerdict[]): string[] {
  const problems: string[] = [];
  const versions = claims.reduce((sum, claim) => sum + Number(claim.verdict_version), 0);
  if (stats.entries !== stats.last || stats.head !== stats.last) {
    problems.push(`the log has gaps: ${stats.entries} entries, last position ${stats.last}, head ${stats.head}`);
  }
  if (stats.verdictChanged !== versions) problems.push(`the log has ${stats.verdictChanged} VERDICT_CHANGED entries for ${versions} verdict versions`);
  return problems;
}
