import { ErrorCode } from '../domain/errors';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { Server } from 'node:http';
import { GraphQLError, NoSchemaIntrospectionCustomRule, createSourceEventStream, getOperationAST, getVariableValues, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { LRUCache } from 'lru-cache';
import { WebSocketServer } from 'ws';
import { costRefusal } from '../graphql/operation-cost';
import { limitRules, parseOptions } from '../graphql/operation-limits';
import { FollowRequest } from '../live/follower';
import { LiveSubscriptions } from '../live/live-subscriptions';
import type { LogFeed } from '../live/log-feed';
import { SocketSink } from '../live/socket-sink';
import type { AppServices } from '../services/app-services';
import type { RequestContext } from '../services/request-context';
import { contextFromAuthorization } from './http-context';
import { observeLive } from './live-observer';
import { OperationOutput } from './operation-output';
import type { Logger } from '../observability/logger';
import { webSocketOriginCheck } from './origins';
import { LiveSocket } from './live-socket';
import { serveGraphqlWs } from './ws-transport';
import { socketRefusal } from './rate-limits';
import { LiveCloseCode } from './close-codes';

const maxCachedDocuments = 500;
const maxCachedVariables = 10_000;
const maxCachedVariableBytes = 4 * 1024 * 1024;

/** A document that passed validation, and the text it was parsed from. */
interface CheckedDocument {
  query: string;
  document: DocumentNode;
}

/**
 * Limits of one socket: operations at once, size of a client's message, and unsent bytes (a
 * send waits above `pauseAboveBytes`, which paces a replay by its reader; above
 * `cutOffAboveBytes` the socket is closed with 1013).
 */
export const SocketLimits = {
  maxSubscriptions: 100,
  maxPayloadBytes: 64 * 1024,
  pauseAboveBytes: 256 * 1024,
  cutOffAboveBytes: 8 * 1024 * 1024,
} as const;

/**
 * graphql-ws on the HTTP server's port and path, with the same schema, validation, error
 * masking and authorisation as HTTP: no second, weaker door.
 */
export function startWebSocketServer(httpServer: Server, app: AppServices, feed: LogFeed, schema: GraphQLSchema, logger: Logger) {
  // As Apollo does over HTTP: the same operation limits, and no introspection in production.
  const limits = app.config.operationLimits;
  const rules = [...specifiedRules, ...limitRules(limits), ...(app.config.production ? [NoSchemaIntrospectionCustomRule] : [])];
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: SocketLimits.maxPayloadBytes,
    verifyClient: webSocketOriginCheck(app.config),
    WebSocket: LiveSocket,
    clientTracking: false, // the transport keeps the open sockets
  });
  const refused = (message: string, code: string) => [new GraphQLError(message, { extensions: { code } })];
  // Every message leaves through the sink. A slow consumer reads what was sent, then 1013 (or
  // is dropped after ws's close timeout).
  const sink = new SocketSink(SocketLimits, (socket, why) => {
    if (socket.readyState !== socket.OPEN) return;
    logger.warn({ why }, 'closing the socket of a slow consumer');
    app.metrics.slowConsumerCut();
    socket.close(LiveCloseCode.SlowConsumer, 'Too slow: reconnect and resume from your last cursor');
  });
  // What clients are sent of results, one way for graphql-ws's messages and the live groups':
  // errors reported, masked and counted.
  const output = new OperationOutput(app.metrics, schema, app.config.production, sink);
  // Request ids per connection and operation, logs and metrics, around the hooks below.
  const observed = observeLive(wss, app, output);
  const live = new LiveSubscriptions({ app, feed, dataSource: app.dataSource, sink, output });

  // Parsed and validated once per distinct text, and shared: front ends send the same few
  // documents, and a subscription keeps its document while it lasts.
  const documents = new LRUCache<string, CheckedDocument>({ max: maxCachedDocuments });
  const checkedDocument = (query: string): CheckedDocument | GraphQLError[] => {
    const known = documents.get(query);
    if (known) return known;
    try {
      const document = parse(query, parseOptions(limits));
      const invalid = validate(schema, document, rules);
      if (invalid.length) {
        return invalid.map((error) => new GraphQLError(error.message, { originalError: error.originalError, extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED } }));
      }
      const checked = { query, document };
      documents.set(query, checked); // refusals are not kept: junk must not fill the cache
      return checked;
    } catch (error) {
      return refused((error as Error).message, ApolloServerErrorCode.GRAPHQL_PARSE_FAILED);
    }
  };
  // Equal variables, one object for all: every subscriber of an event sends its id.
  const variableSets = new LRUCache<string, Record<string, unknown>>({
    max: maxCachedVariables,
    maxSize: maxCachedVariableBytes,
    sizeCalculation: (_variables, key) => key.length + 100,
  });
  const sharedVariables = (variables: Record<string, unknown> | null | undefined) => {
    if (!variables) return variables;
    const key = JSON.stringify(variables);
    const known = variableSets.get(key);
    if (known) return known;
    variableSets.set(key, variables);
    return variables;
  };
  // graphql-ws keeps each subscribe message while its operation lasts: for a document already
  // checked, a new payload of one copy of each part for all is handed over in place of the parsed one.
  const keptPayload = (payload: SubscribePayload): SubscribePayload => {
    const known = typeof payload.query === 'string' ? documents.get(payload.query) : undefined;
    if (!known) return payload;
    const { operationName, variables } = payload;
    const name = getOperationAST(known.document, operationName)?.name?.value;
    return {
      ...payload,
      query: known.query,
      operationName: name !== undefined && name === operationName ? name : operationName,
      variables: typeof variables === 'object' ? sharedVariables(variables) : variables,
    };
  };

  const server = serveGraphqlWs<Record<string, unknown> | undefined>(
    observed.hooks({
      schema,
      // A token in connectionParams.authorization; a bad or expired one closes with 4403 Forbidden.
      onConnect: async (ctx) => {
        try {
          await contextFromAuthorization(app, ctx.connectionParams?.authorization);
          return true;
        } catch (error) {
          const code = (error as GraphQLError).extensions?.code;
          // A token that could not be checked (the database out of reach) is no refusal: the
          // socket opens, and each operation, which reads the token again, answers
          // SERVICE_UNAVAILABLE until the database is back. Anything else unexpected closes with 4500.
          if (code === ErrorCode.ServiceUnavailable) return true;
          if (code === ApolloServerErrorCode.INTERNAL_SERVER_ERROR) throw error;
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        if (Object.keys(ctx.subscriptions).length > SocketLimits.maxSubscriptions) {
          return refused(`At most ${SocketLimits.maxSubscriptions} operations at once on one socket`, ErrorCode.BadUserInput);
        }
        const checked = checkedDocument(payload.query);
        if (Array.isArray(checked)) return checked;
        const { document } = checked;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return refused('Unable to identify the operation', ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED);
        const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
        if (variables.errors) return variables.errors.map((error) => new GraphQLError(error.message, { extensions: { code: ErrorCode.BadUserInput } }));
        const tooCostly = costRefusal(limits, schema, document, payload.operationName, payload.variables);
        if (tooCostly) return [tooCostly];
        let context: RequestContext;
        try {
          // Read for every operation, as HTTP reads it for every request: a role taken away or a
          // token expired since the socket opened counts at once.
          context = await contextFromAuthorization(app, ctx.connectionParams?.authorization, observed.origin(payload), {
            clientAddress: ctx.extra.clientAddress,
            activityAfter: ctx.connectionParams?.activityAfter,
          });
        } catch (error) {
          // SERVICE_UNAVAILABLE keeps its retryAfter; formatError (onError) drops what is HTTP's.
          if ((error as GraphQLError).extensions.code === ErrorCode.ServiceUnavailable) return [error as GraphQLError];
          return refused((error as GraphQLError).message, String((error as GraphQLError).extensions.code));
        }
        // The same check as over HTTP (rateLimitPlugin): a socket is no way around the limits.
        const limited = await socketRefusal(context, { schema, document, operation, variables: payload.variables }, logger);
        if (limited) return limited;
        // rootValue given, even undefined: graphql-ws would add it to the arguments it keeps.
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: context, rootValue: undefined };
      },
      // A subscription field resolves to a FollowRequest: what to follow.
      subscribe: (args) => createSourceEventStream(args) as Promise<ExecutionResult | AsyncIterable<ExecutionResult>>,
      // Its operation's socket and id are known here: live delivery follows it, and graphql-ws
      // holds the Follower it returns (in place of the request) until the operation ends.
      onOperation: async (ctx, id, _payload, args, result) => {
        if (!(result instanceof FollowRequest)) return undefined;
        try {
          return await live.start(result, args, ctx.extra.socket, id);
        } catch (error) {
          // As if the field had failed: shown (a refusal keeps its code) by onNext.
          return { errors: [new GraphQLError((error as Error).message, { originalError: error as Error })] };
        }
      },
    }),
    wss,
    sink,
    { keepAliveMs: app.config.keepAliveSeconds * 1000, initWaitMs: app.config.connectionInitWaitMs },
    app.config.trustProxy,
    logger,
    keptPayload,
  );

  app.metrics.countSocketsWith(() => server.open.size);

  return {
    /** Closes every socket with 1001 (after the messages already queued on it), then the server. */
    close: () => server.dispose(),
  };
}

