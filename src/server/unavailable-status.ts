import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../domain/errors';
import { databaseRetryAfterSeconds } from '../db/unreachable';

/**
 * HTTP 503 with Retry-After for an answer holding SERVICE_UNAVAILABLE, whenever it was raised
 * (before or during execution): the client, or a proxy on the way, retries it, where a 200 or
 * 500 would look final.
 */
export const serviceUnavailableStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        if (!response.body.singleResult.errors?.some((error) => error.extensions?.code === ErrorCode.ServiceUnavailable)) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', String(databaseRetryAfterSeconds));
      },
    };
  },
};
