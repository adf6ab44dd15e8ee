import type { Rating, VerdictStatus } from '../generated/schema-types';

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
  /** Verified organisations among the counted voters for the sole leading rating (0 without one). */
  organizationCount: number;
  /** The rule that decided the status and what is missing, in one sentence for people. */
  explanation: string;
}
