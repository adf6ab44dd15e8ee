import { badInput } from './errors';

/** How votes become a verdict in one event. */
export interface ConsensusPolicy {
  /** Votes a claim needs before it can leave IN_REVIEW: 1 to 1000. */
  quorum: number;
  /** Share of the votes one rating needs for CONSENSUS: above 0.5, at most 1. */
  threshold: number;
  /** Distinct organisations among the agreed rating's voters, when 2 or more. */
  minOrganizations: number;
}

/** Two of three carry it, as on a fact-checking desk. */
export const DEFAULT_POLICY: ConsensusPolicy = { quorum: 3, threshold: 0.66, minOrganizations: 1 };

/** The base policy with the given fields replaced, validated; BAD_USER_INPUT names the bad field. */
export function applyPolicyChange(
  base: ConsensusPolicy,
  change: { quorum?: number | null; threshold?: number | null; minOrganizations?: number | null } | null | undefined,
): ConsensusPolicy {
  const policy = {
    quorum: change?.quorum ?? base.quorum,
    threshold: change?.threshold ?? base.threshold,
    minOrganizations: change?.minOrganizations ?? base.minOrganizations,
  };
  if (!Number.isInteger(policy.quorum) || policy.quorum < 1 || policy.quorum > 1000) {
    throw badInput('quorum must be an integer from 1 to 1000', 'policy.quorum');
  }
  if (!Number.isFinite(policy.threshold) || policy.threshold <= 0.5 || policy.threshold > 1) {
    throw badInput('threshold must be above 0.5 and at most 1', 'policy.threshold');
  }
  if (!Number.isInteger(policy.minOrganizations) || policy.minOrganizations < 1) {
    throw badInput('minOrganizations must be an integer of at least 1', 'policy.minOrganizations');
  }
  return policy;
}

export function samePolicy(a: ConsensusPolicy, b: ConsensusPolicy): boolean {
  return a.quorum === b.quorum && a.threshold === b.threshold && a.minOrganizations === b.minOrganizations;
}

/** Verified organisations a CONSENSUS needs: minOrganizations when 2 or more; a policy of 1 asks for none. */
export function requiredOrganizations(policy: ConsensusPolicy): number {
  return policy.minOrganizations >= 2 ? policy.minOrganizations : 0;
}
