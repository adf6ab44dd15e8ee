import { VerdictStatus } from '../generated/schema-types';
import { requiredOrganizations, type ConsensusPolicy } from './policy';
import type { VerdictOutcome } from './verdict-outcome';

/**
 * Why a verdict's status is what it is, in one sentence: the policy's rule that decided it and
 * what is missing, such as "3 of 3 votes, 100% FALSE, but 1 of 2 verified organisations."
 * `uncounted` stored votes whose reviewers do not count are named at the end.
 */
export function explainVerdict(
  verdict: Omit<VerdictOutcome, 'explanation'>,
  policy: ConsensusPolicy,
  uncounted: number,
): string {
  return `${decidingRule(verdict, policy)}.${uncounted > 0 ? ` ${votes(uncounted)} ${uncounted === 1 ? 'does' : 'do'} not count.` : ''}`;
}

/** A published verdict's explanation: an editor's decision on the consensus it was published from. */
export function explainPublished(consensus: string): string {
  return `Published by an editor; votes are closed until it is reopened. It rests on: ${consensus}`;
}

function decidingRule(verdict: Omit<VerdictOutcome, 'explanation'>, policy: ConsensusPolicy): string {
  const { status, rating, voteCount, tally, agreement, organizationCount } = verdict;
  const counted = voteCount <= policy.quorum ? `${voteCount} of ${policy.quorum} votes` : `${votes(voteCount)} (quorum ${policy.quorum})`;
  const leader = `${percent(agreement, 'down')} ${rating}`;
  const required = requiredOrganizations(policy);
  const organizations =
    organizationCount <= required ? `${organizationCount} of ${required} verified organisations` : `${organizationCount} verified organisations (${required} needed)`;
  switch (status) {
    case VerdictStatus.Published:
      return 'Published by an editor';
    case VerdictStatus.Unverified:
      return 'No votes that count yet';
    case VerdictStatus.InReview:
      return `${counted}: below quorum`;
    case VerdictStatus.Consensus:
      return required > 0 ? `${counted}, ${leader}, from ${organizations}` : `${counted}, ${leader}, at least the ${percent(policy.threshold, 'down')} threshold`;
    case VerdictStatus.Contested:
      if (rating === null) return `${counted}, but ${listed(tally.filter((entry) => entry.votes === tally[0].votes).map((entry) => entry.rating))} tie for the lead`;
      if (agreement < policy.threshold) return `${counted}, ${leader}, below the ${percent(policy.threshold, 'up')} threshold`;
      return `${counted}, ${leader}, but ${organizations}`;
  }
}

function votes(count: number): string {
  return `${count} ${count === 1 ? 'vote' : 'votes'}`;
}

/**
 * A share as a percentage to a tenth, rounded the way that keeps the sentence true: a share
 * just below a threshold reads below it (the share down, the threshold up), and one that reaches
 * it reads as reaching it (both down).
 */
function percent(share: number, rounding: 'down' | 'up'): string {
  const tenths = rounding === 'down' ? Math.floor(share * 1000 + 1e-6) : Math.ceil(share * 1000 - 1e-6);
  return `${tenths / 10}%`;
}

/** "A", "A and B", "A, B and C". */
function listed(items: readonly string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
