import type { ReviewerEntity } from '../entities/reviewer.entity';

/** The signed-in reviewer as a request sees it: the account, and whether any membership of theirs is SUSPENDED. */
export type Viewer = ReviewerEntity & { suspended: boolean };

/** A reviewer as a viewer, for an account known to hold no SUSPENDED membership (one just made). */
export function unsuspendedViewer(reviewer: ReviewerEntity): Viewer {
  return Object.assign(reviewer, { suspended: false });
}
