import { GraphQLError } from 'graphql';
import { DomainError } from '../domain/errors';
import { toGraphQLError } from '../graphql/errors';
import { reviewerForToken } from '../services/reviewer-service';
import { AppServices, createRequestContext, RequestContext } from '../services/request-context';

/**
 * The request context from an Authorization header (`Bearer <token>`, or the token alone, as
 * graphql-ws clients send it). No header: anonymous. A bad or expired token: UNAUTHENTICATED,
 * even for a read, so a client never mistakes a lapsed session for an anonymous one.
 */
export async function contextFromAuthorization(app: AppServices, authorization: unknown): Promise<RequestContext> {
  if (authorization === undefined || authorization === null || authorization === '') {
    return createRequestContext(app, null);
  }
  const token = typeof authorization === 'string' ? authorization.replace(/^Bearer\s+/i, '').trim() : '';
  try {
    return createRequestContext(app, await reviewerForToken({ app }, token));
  } catch (error) {
    if (error instanceof DomainError) throw toGraphQLError(error);
    throw new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
}
