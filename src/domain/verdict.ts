import { Rating, VerdictStatus } from '../generated/schema-types';
import { requiredOrganizations, type ConsensusPolicy } from './policy';
import { explainVerdict } from './verdict-explanation';
import type { RatingCount, VerdictOutcome } from './verdict-outcome';

/** A claim's verdict as stored and served. */
export interface VerdictState extends VerdictOutcome {
  version: number;
  updatedAt: Date;
  publishedAt: Date | null;
  publishedById: string | null;
  summary: string | null;
}

/** One stored vote as the rule sees it. */
export interface Ballot {
  rating: Rating;
  /** Whether the vote counts (see countsTowardVerdict in trust.ts); one that does not stays stored. */
  counts: boolean;
  /** The verified organisation in which the voter is an ACTIVE member, by id; null when none. */
  organization: string | null;
}

const ratingOrder: readonly Rating[] = Object.values(Rating);

/**
 * The consensus rule, over the votes that count. n counted votes; the tally lists ratings with
 * counted votes, most first, ties in the Rating enum's order; the rating is the sole leader
 * (null on a tied lead); agreement is the leader's share; organizationCount is the number of
 * distinct verified organisations among the leader's voters. Status: PUBLISHED if published,
 * UNVERIFIED with no counted votes, IN_REVIEW below quorum, CONSENSUS when a sole leader reaches
 * the threshold and, for minOrganizations of 2 or more, organizationCount reaches it; otherwise
 * CONTESTED.
 */
export function computeVerdict(ballots: readonly Ballot[], policy: ConsensusPolicy, published = false): VerdictOutcome {
  const counted = ballots.filter((ballot) => ballot.counts);
  const tally = tallyBallots(counted);
  const voteCount = counted.length;
  const lead = tally[0]?.votes ?? 0;
  const soleLeader = tally.length > 0 && (tally.length === 1 || tally[1].votes < lead);
  const rating = soleLeader ? tally[0].rating : null;
  const agreement = voteCount === 0 ? 0 : lead / voteCount;
  const organizationCount = rating === null ? 0 : organizationsBehind(rating);
  const decided = { status: statusOf(), rating, agreement, voteCount, tally, organizationCount };
  return { ...decided, explanation: explainVerdict(decided, policy, ballots.length - voteCount) };

  function statusOf(): VerdictStatus {
    if (published) return VerdictStatus.Published;
    if (voteCount === 0) return VerdictStatus.Unverified;
    if (voteCount < policy.quorum) return VerdictStatus.InReview;
    if (rating !== null && agreement >= policy.threshold && organizationCount >= requiredOrganizations(policy)) {
      return VerdictStatus.Consensus;
    }
    return VerdictStatus.Contested;
  }

  function organizationsBehind(agreed: Rating): number {
    return new Set(counted.filter((ballot) => ballot.rating === agreed && ballot.organization !== null).map((ballot) => ballot.organization)).size;
  }
}

function tallyBallots(ballots: readonly Ballot[]): RatingCount[] {
  const counts = new Map<Rating, number>();
  for (const ballot of ballots) counts.set(ballot.rating, (counts.get(ballot.rating) ?? 0) + 1);
  return ratingOrder
    .filter((rating) => counts.has(rating))
    .map((rating) => ({ rating, votes: counts.get(rating)! }))
    .sort((a, b) => b.votes - a.votes); // stable: equal counts keep the enum's order
}

/** True when the outcome differs from the stored verdict in anything clients see change. */
export function outcomeChanged(before: VerdictOutcome, after: VerdictOutcome): boolean {
  return (
    before.status !== after.status ||
    before.rating !== after.rating ||
    before.agreement !== after.agreement ||
    before.voteCount !== after.voteCount ||
    before.organizationCount !== after.organizationCount ||
    before.explanation !== after.explanation ||
    !sameTally(before.tally, after.tally)
  );
}

// Field by field, not by JSON text: a tally read back from jsonb has its keys in another order.
function sameTally(a: readonly RatingCount[], b: readonly RatingCount[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.rating === b[i].rating && entry.votes === b[i].votes);
}
