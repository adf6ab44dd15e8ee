import { Rating, VerdictStatus } from '../generated/graphql';
import type { ConsensusPolicy } from './policy';

export interface RatingCount {
  rating: Rating;
  votes: number;
}

/** What the verdict rule decides from the votes: the parts whose change is a new version. */
export interface VerdictOutcome {
  status: VerdictStatus;
  rating: Rating | null;
  agreement: number;
  voteCount: number;
  tally: RatingCount[];
}

/** A claim's verdict as stored and served. */
export interface VerdictState extends VerdictOutcome {
  version: number;
  updatedAt: Date;
  publishedAt: Date | null;
  publishedById: string | null;
  summary: string | null;
}

/** One vote as the rule sees it. */
export interface Ballot {
  rating: Rating;
  organization: string | null;
}

const ratingOrder: readonly Rating[] = Object.values(Rating);

/**
 * The consensus rule. n votes; the tally lists ratings with votes, most first, ties in the
 * Rating enum's order; the rating is the sole leader (null on a tied lead); agreement is the
 * leader's share. Status: PUBLISHED if published, UNVERIFIED with no votes, IN_REVIEW below
 * quorum, CONSENSUS when a sole leader reaches the threshold and, for minOrganizations of 2 or
 * more, its voters come from that many distinct organisations; otherwise CONTESTED.
 */
export function computeVerdict(ballots: readonly Ballot[], policy: ConsensusPolicy, published = false): VerdictOutcome {
  const tally = tallyBallots(ballots);
  const voteCount = ballots.length;
  const lead = tally[0]?.votes ?? 0;
  const soleLeader = tally.length > 0 && (tally.length === 1 || tally[1].votes < lead);
  const rating = soleLeader ? tally[0].rating : null;
  const agreement = voteCount === 0 ? 0 : lead / voteCount;
  return { status: statusOf(), rating, agreement, voteCount, tally };

  function statusOf(): VerdictStatus {
    if (published) return VerdictStatus.Published;
    if (voteCount === 0) return VerdictStatus.Unverified;
    if (voteCount < policy.quorum) return VerdictStatus.InReview;
    if (rating !== null && agreement >= policy.threshold && organizationsBehind(rating) >= requiredOrganizations()) {
      return VerdictStatus.Consensus;
    }
    return VerdictStatus.Contested;
  }

  function requiredOrganizations(): number {
    return policy.minOrganizations >= 2 ? policy.minOrganizations : 0;
  }

  function organizationsBehind(agreed: Rating): number {
    const names = ballots
      .filter((ballot) => ballot.rating === agreed)
      .map((ballot) => normalizeOrganization(ballot.organization))
      .filter((name): name is string => name !== null);
    return new Set(names).size;
  }
}

/** Organisations compare trimmed and case-insensitively; blank counts as none. */
export function normalizeOrganization(organization: string | null): string | null {
  const name = organization?.trim().toLocaleLowerCase('und');
  return name ? name : null;
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
    !sameTally(before.tally, after.tally)
  );
}

// Field by field, not by JSON text: a tally read back from jsonb has its keys in another order.
function sameTally(a: readonly RatingCount[], b: readonly RatingCount[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.rating === b[i].rating && entry.votes === b[i].votes);
}
