/**
 * What B2's and B8's baselines share: the ballots query, the verdict rule with its explanation,
 * and a verdict as the log stores it, written plainly. Nothing of src/ is used; the results are
 * the same values, so the after-run checks hold the baselines to the project's rule.
 */
import type { PoolClient } from 'pg';

export interface Policy {
  quorum: number;
  threshold: number;
  minOrganizations: number;
}

export interface Verdict {
  status: string;
  rating: string | null;
  agreement: number;
  voteCount: number;
  tally: { rating: string; votes: number }[];
  organizationCount: number;
  explanation: string;
}

/** A stored vote as the rule sees it. */
export interface Ballot {
  voterId: string;
  rating: string;
  counts: boolean;
  /** The verified organisation of the voter's ACTIVE membership, by id; null when none. */
  organization: string | null;
}

/**
 * The votes of claims with who may vote (the voter's role, any SUSPENDED membership) and for
 * which verified organisation: the project's ballots query, word for word. $1: the claims' ids.
 */
export const ballotsQuery = `SELECT v.claim_id AS "claimId", v.reviewer_id AS "voterId", v.rating, r.role,
            EXISTS (SELECT 1 FROM memberships s WHERE s.reviewer_id = v.reviewer_id AND s.status = 'SUSPENDED') AS suspended,
            (SELECT m.organization_id FROM memberships m JOIN organizations o ON o.id = m.organization_id
              WHERE m.reviewer_id = v.reviewer_id AND m.status = 'ACTIVE' AND o.verified) AS organization
       FROM votes v JOIN reviewers r ON r.id = v.reviewer_id
      WHERE v.claim_id = ANY($1::uuid[])`;

const voters = new Set(['REVIEWER', 'EDITOR', 'ADMIN']);

/** The ballots of the claims, by claim id, read with ballotsQuery. */
export async function readBallots(client: PoolClient, claimIds: readonly string[]): Promise<Map<string, Ballot[]>> {
  const { rows } = await client.query(ballotsQuery, [claimIds]);
  const byClaim = new Map<string, Ballot[]>();
  for (const { claimId, voterId, rating, role, suspended, organization } of rows) {
    let ballots = byClaim.get(claimId);
    if (!ballots) byClaim.set(claimId, (ballots = []));
    ballots.push({ voterId, rating, organization, counts: voters.has(role) && !suspended });
  }
  return byClaim;
}

const ratingOrder = ['TRUE', 'MOSTLY_TRUE', 'MIXED', 'MISLEADING', 'MOSTLY_FALSE', 'FALSE', 'UNVERIFIABLE'];

/** The consensus rule of the README over the votes that count, for an unpublished claim. */
export function verdictOf(ballots: readonly Ballot[], policy: Policy): Verdict {
  const counted = ballots.filter((b) => b.counts);
  const counts = new Map<string, number>();
  for (const { rating } of counted) counts.set(rating, (counts.get(rating) ?? 0) + 1);
  const tally = ratingOrder.filter((r) => counts.has(r)).map((rating) => ({ rating, votes: counts.get(rating)! }));
  tally.sort((a, b) => b.votes - a.votes);
  const voteCount = counted.length;
  const lead = tally[0]?.votes ?? 0;
  const rating = tally.length > 0 && (tally.length === 1 || tally[1].votes < lead) ? tally[0].rating : null;
  const agreement = voteCount === 0 ? 0 : lead / voteCount;
  const organizationCount = rating === null ? 0 : new Set(counted.filter((b) => b.rating === rating && b.organization).map((b) => b.organization)).size;
  const required = policy.minOrganizations >= 2 ? policy.minOrganizations : 0;
  const status =
    voteCount === 0 ? 'UNVERIFIED'
    : voteCount < policy.quorum ? 'IN_REVIEW'
    : rating !== null && agreement >= policy.threshold && organizationCount >= required ? 'CONSENSUS'
    : 'CONTESTED';
  const decided = { status, rating, agreement, voteCount, tally, organizationCount };
  return { ...decided, explanation: explanationOf(decided, policy, ballots.length - voteCount) };
}

/** The sentence the project stores with a verdict: the deciding rule, what is missing, the votes that do not count. */
function explanationOf(verdict: Omit<Verdict, 'explanation'>, policy: Policy, uncounted: number): string {
  const { status, rating, voteCount, tally, agreement, organizationCount } = verdict;
  const votes = (n: number) => `${n} ${n === 1 ? 'vote' : 'votes'}`;
  const percent = (share: number, up: boolean) => `${(up ? Math.ceil(share * 1000 - 1e-6) : Math.floor(share * 1000 + 1e-6)) / 10}%`;
  const required = policy.minOrganizations >= 2 ? policy.minOrganizations : 0;
  const counted = voteCount <= policy.quorum ? `${voteCount} of ${policy.quorum} votes` : `${votes(voteCount)} (quorum ${policy.quorum})`;
  const leader = `${percent(agreement, false)} ${rating}`;
  const organizations =
    organizationCount <= required ? `${organizationCount} of ${required} verified organisations` : `${organizationCount} verified organisations (${required} needed)`;
  const tied = tally.filter((entry) => entry.votes === tally[0]?.votes).map((entry) => entry.rating);
  const rule =
    status === 'UNVERIFIED' ? 'No votes that count yet'
    : status === 'IN_REVIEW' ? `${counted}: below quorum`
    : status === 'CONSENSUS'
      ? required > 0 ? `${counted}, ${leader}, from ${organizations}` : `${counted}, ${leader}, at least the ${percent(policy.threshold, false)} threshold`
    : rating === null ? `${counted}, but ${tied.length <= 2 ? tied.join(' and ') : `${tied.slice(0, -1).join(', ')} and ${tied.at(-1)}`} tie for the lead`
    : agreement < policy.threshold ? `${counted}, ${leader}, below the ${percent(policy.threshold, true)} threshold`
    : `${counted}, ${leader}, but ${organizations}`;
  return `${rule}.${uncounted > 0 ? ` ${votes(uncounted)} ${uncounted === 1 ? 'does' : 'do'} not count.` : ''}`;
}

/** Whether anything clients see differs. */
export function verdictChanged(before: Verdict, after: Verdict): boolean {
  return (
    before.status !== after.status ||
    before.rating !== after.rating ||
    before.agreement !== after.agreement ||
    before.voteCount !== after.voteCount ||
    before.organizationCount !== after.organizationCount ||
    before.explanation !== after.explanation ||
    before.tally.length !== after.tally.length ||
    before.tally.some((entry, i) => entry.rating !== after.tally[i].rating || entry.votes !== after.tally[i].votes)
  );
}

/** The verdict columns of a claim row, aliased as the statements below select them. */
export const verdictColumns = `c.verdict_status, c.verdict_rating, c.verdict_agreement, c.verdict_vote_count, c.verdict_tally,
       c.verdict_organization_count, c.verdict_explanation, c.verdict_version, c.verdict_updated_at`;

/** The stored verdict of a claim row selected with verdictColumns. */
export function storedVerdict(row: Record<string, any>): Verdict {
  return {
    status: row.verdict_status,
    rating: row.verdict_rating,
    agreement: row.verdict_agreement,
    voteCount: row.verdict_vote_count,
    tally: row.verdict_tally,
    organizationCount: row.verdict_organization_count,
    explanation: row.verdict_explanation,
  };
}

/** A verdict as a log entry keeps it (unpublished). */
export function loggedVerdict(verdict: Verdict, version: number, updatedAt: Date): Record<string, unknown> {
  return { ...verdict, version, updatedAt: updatedAt.toISOString(), publishedAt: null, publishedById: null, summary: null };
}
