import type { IncomingMessage } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import type { Context, ServerOptions, SubscribePayload } from 'graphql-ws';
import type { Server } from 'ws';
import type { AppServices } from '../services/app-services';
import type { RequestOrigin } from '../services/request-origin';
import { newOrigin } from '../services/request-origin';
import type { OperationOutput } from './operation-output';
import { unknownOperation, type OperationLabels } from '../observability/metrics';
import { requestIdFrom } from './request-id';
import type { LiveSocket } from './live-socket';
import type { SocketExtra } from './ws-transport';

type Options = ServerOptions<Record<string, unknown> | undefined, SocketExtra>;
type LiveContext = Context<Record<string, unknown> | undefined, SocketExtra>;

/** What is kept of an operation while it lasts: its ids, not a logger, which is made for a line to log. */
interface LiveOperation {
  socket: LiveSocket;
  /** n of the request id `<connection id>:<n>`, made into text only for a line to log. */
  sequence: number;
  labels: OperationLabels;
  startedAt: number;
  /** Counted in graphql_subscriptions_active until it completes. */
  subscribed: boolean;
}

/** A copy of a kept string in one piece: a UUID from node:crypto is a tree of concatenated parts. */
const inOnePiece = (text: string): string => JSON.parse(JSON.stringify(text)) as string;

/**
 * Request ids, logs and metrics for graphql-ws. Every connection gets an id (the upgrade
 * request's X-Request-Id if it is safe, else a new one, returned in the 101 response's
 * x-request-id), and each operation on it `<connection id>:<n>`. `hooks` wraps the server's own
 * hooks: the errors graphql-ws sends (in results and refusals) are shown through `output`,
 * reported under the operation's id, masked and counted, as the live groups' are.
 */
export function observeLive(wss: Server<typeof LiveSocket>, app: AppServices, output: OperationOutput) {
  const { metrics, logger } = app;
  const upgradeIds = new WeakMap<IncomingMessage, string>();
  // By the subscribe message's payload, which graphql-ws hands to every hook of the operation
  // and lets go when the operation ends.
  const operations = new WeakMap<SubscribePayload, LiveOperation>();

  wss.on('headers', (headers, request) => {
    const id = requestIdFrom(request.headers['x-request-id']);
    upgradeIds.set(request, id);
    headers.push(`x-request-id: ${id}`);
  });
  const track = (socket: LiveSocket, request?: IncomingMessage) => {
    socket.connectionId = inOnePiece((request && upgradeIds.get(request)) ?? requestIdFrom(undefined));
    logger.info({ connectionId: socket.connectionId }, 'socket opened');
    return socket;
  };
  wss.on('connection', (socket, request) => void track(socket, request));

  const socketOf = (ctx: LiveContext) => (ctx.extra.socket.connectionId ? ctx.extra.socket : track(ctx.extra.socket));
  const requestId = (operation: LiveOperation) => `${operation.socket.connectionId}:${operation.sequence}`;
  /** The origin (request id and logger) of the operation subscribed with `payload`. */
  const origin = (payload: SubscribePayload): RequestOrigin => {
    const operation = operations.get(payload);
    return operation ? newOrigin(logger, requestId(operation)) : newOrigin(logger);
  };

  return {
    /** The origin (request id and logger) of the operation subscribed with `payload`, for its context. */
    origin,

    hooks(options: Options): Options {
      return {
        ...options,
        onSubscribe: async (ctx, id, payload) => {
          const socket = socketOf(ctx);
          const operation: LiveOperation = {
            socket,
            sequence: ++socket.operationCount,
            labels: unknownOperation,
            startedAt: performance.now(),
            subscribed: false,
          };
          operations.set(payload, operation);
          const args = await options.onSubscribe?.(ctx, id, payload);
          if (args && !Array.isArray(args)) {
            operation.labels = output.labels({ document: (args as ExecutionArgs).document, operationName: payload.operationName });
          }
          metrics.operationReceived('ws', operation.labels);
          logger.debug({ requestId: requestId(operation), operationName: payload.operationName, ...operation.labels }, 'operation started');
          return args;
        },
        onOperation: async (ctx, id, payload, args, result) => {
          const operation = operations.get(payload);
          if (operation && Symbol.asyncIterator in Object(result)) {
            operation.subscribed = true;
            metrics.subscriptionOpened();
            if (logger.isLevelEnabled('debug')) logger.debug({ requestId: requestId(operation), operationName: payload.operationName }, 'subscription opened');
          }
          return options.onOperation?.(ctx, id, payload, args, result);
        },
        // The errors graphql-ws itself sends (in results of queries and mutations, and refusals)
        // are shown as the live groups' are.
        onNext: async (_ctx, _id, payload, _args, result) => {
          if (!result.errors) return undefined;
          const errors = output.shown(result.errors, origin(payload), payload.operationName);
          const operation = operations.get(payload);
          if (operation) output.counted(errors, operation.labels);
          return { ...result, errors };
        },
        onError: async (_ctx, _id, payload, errors) => {
          const shown = output.shown(errors, origin(payload), payload.operationName);
          const operation = operations.get(payload);
          if (operation) {
            output.counted(shown, operation.labels);
            // A refused operation never started, and never completes.
            if (!operation.subscribed) operations.delete(payload);
          }
          return shown;
        },
        onClose: async (ctx, code, reason) => {
          const socket = socketOf(ctx);
          logger.info({ connectionId: socket.connectionId, code, operations: socket.operationCount }, 'socket closed');
          return options.onClose?.(ctx, code, reason);
        },
        onComplete: async (ctx, id, payload) => {
          const operation = operations.get(payload);
          operations.delete(payload);
          if (operation?.subscribed) metrics.subscriptionClosed();
          else if (operation) metrics.operationAnswered('ws', operation.labels, (performance.now() - operation.startedAt) / 1000);
          if (operation) logger.debug({ requestId: requestId(operation), operationName: payload.operationName, ...operation.labels }, 'operation completed');
          return options.onComplete?.(ctx, id, payload);
        },
      };
    },
  };
}
