import type { ReviewerEntity } from '../entities/reviewer.entity';

/** The signed-in reviewer as a request sees it: the account, and whether any membership of theirs is SUSPENDED. */
export type Viewer = ReviewerEntity & { suspended: boolean };

/** A reviewer as a viewer, for an account known to hold no SUSPENDED membership (one just made). */
export function unsuspendedViewer(reviewer: ReviewerEntity): Viewer {
  return Object.assign(reviewer, { suspended: false });
}

/**
 * Who looks at a reviewer's own fields: the request's viewer. An anonymous request that signs up
 * or logs in gets the account's Viewer in its AuthPayload, and that reviewer is shown as its
 * owner sees it; a signed-in request stays who it is.
 */
export function lookerAt(viewer: Viewer | null, reviewer: ReviewerEntity): Viewer | null {
  return viewer ?? (isViewer(reviewer) ? reviewer : null);
}

/** Whether the reviewer was read as a viewer: only a sign-in or the request's own viewer makes one. */
function isViewer(reviewer: ReviewerEntity): reviewer is Viewer {
  return 'suspended' in reviewer;
}
