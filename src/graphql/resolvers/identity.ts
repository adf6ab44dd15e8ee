import type { ReviewerEntity } from '../../entities/reviewer.entity';
import type { RequestContext } from '../../services/request-context';

/**
 * The one way a resolver reaches a reviewer: null for anonymous clients, because in an
 * authoritarian crisis who judged what is dangerous knowledge.
 */
export function reviewerFor(ctx: RequestContext, reviewerId: string | null): Promise<ReviewerEntity | null> | null {
  // Not async: an anonymous reader's null is returned as it is, not as a promise.
  if (!ctx.viewer || !reviewerId) return null;
  return ctx.loaders.reviewer.load(reviewerId);
}
