import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';

/**
 * Subscriptions are served by graphql-ws on the same path. Over HTTP, graphql-js would run a
 * subscription's fields once as if it were a query, with no log entry to resolve, and fail
 * inside the resolver: it is refused up front instead, as a BAD_REQUEST that says where to go.
 */
export const subscriptionsOverHttpRefused: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) on this path, not over HTTP', {
          extensions: { code: ApolloServerErrorCode.BAD_REQUEST, http: { status: 400, headers: new Map() } },
        });
      },
    };
  },
};
