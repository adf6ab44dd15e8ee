import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../services/request-context';

/** How long a cache on the way (a CDN, a newsroom's proxy, the browser) may serve an anonymous read. */
const publicReadMaxAgeSeconds = 10;

/**
 * Cache-Control for GET queries: an anonymous read that succeeded may be kept by any cache for
 * a few seconds (`public, max-age=10`); a signed-in one, or one with errors, by none
 * (`private, no-store`), since it may hold what only this reviewer may see. `Vary:
 * Authorization` keeps a cache from answering a signed-in request with an anonymous copy.
 * POSTs are never cached on the way and get no header.
 */
export const httpCaching: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ request, response, contextValue, operation }) {
        if (request.http?.method !== 'GET') return;
        const failed = response.body.kind === 'single' && Boolean(response.body.singleResult.errors?.length);
        const anonymousRead = operation?.operation === 'query' && contextValue.viewer === null && !failed;
        const headers = response.http.headers;
        headers.set('cache-control', anonymousRead ? `public, max-age=${publicReadMaxAgeSeconds}` : 'private, no-store');
        const vary = headers.get('vary');
        headers.set('vary', vary ? `${vary}, Authorization` : 'Authorization');
      },
    };
  },
};
