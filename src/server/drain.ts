import type { Server } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../observability/logger';

/** How often a draining server closes the connections whose last answer has gone out. */
const idleCheckMs = 50;

/**
 * Apollo's drain step on Node's own connection tracking: stop accepting, let the requests in
 * flight finish (each connection is closed once idle), and after `graceMs` close what is left.
 * In place of Apollo's ApolloServerPluginDrainHttpServer: Node's server already knows its HTTP
 * connections, and upgraded sockets are no longer among them (the WebSocket server closes
 * those).
 */
export function drainHttpServer(httpServer: Server, logger: Logger, graceMs = 10_000): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async drainServer() {
          const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
          logger.info('stopped accepting connections');
          const idle = setInterval(() => httpServer.closeIdleConnections(), idleCheckMs);
          const hard = setTimeout(() => httpServer.closeAllConnections(), graceMs);
          try {
            await closed;
          } finally {
            clearInterval(idle);
            clearTimeout(hard);
          }
        },
      };
    },
  };
}
