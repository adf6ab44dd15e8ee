import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { DomainError } from '../domain/errors';
import { isDatabaseUnreachable } from '../db/unreachable';
import { serviceUnavailable, toGraphQLError } from '../graphql/errors';
import { reviewerForToken } from '../services/reviewer-service';
import type { AppServices } from '../services/app-services';
import { createRequestContext, type RequestClient, type RequestContext } from '../services/request-context';
import { newOrigin, type RequestOrigin } from '../services/request-origin';

/**
 * The request context from an Authorization header (`Bearer <token>`, or the token alone, as
 * graphql-ws clients send it). No header: anonymous. A bad or expired token: UNAUTHENTICATED,
 * even for a read, so a client never mistakes a lapsed session for an anonymous one. The
 * database out of reach: SERVICE_UNAVAILABLE (HTTP 503), to try again.
 * `origin`: the request's id and logger (default: new ones); `client`: what its connection says
 * (the client's address, resume cursors).
 */
export async function contextFromAuthorization(
  app: AppServices,
  authorization: unknown,
  origin: RequestOrigin = newOrigin(app.logger),
  client: RequestClient = {},
): Promise<RequestContext> {
  if (authorization === undefined || authorization === null || authorization === '') {
    return createRequestContext(app, null, origin, client);
  }
  const token = typeof authorization === 'string' ? authorization.replace(/^Bearer\s+/i, '').trim() : '';
  try {
    return createRequestContext(app, await reviewerForToken({ app }, token), origin, client);
  } catch (error) {
    if (error instanceof DomainError) throw toGraphQLError(error);
    if (isDatabaseUnreachable(error)) throw serviceUnavailable();
    origin.log.error({ err: error }, 'unexpected error while reading the token');
    throw new GraphQLError('Internal server error', { extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR, requestId: origin.requestId } });
  }
}
