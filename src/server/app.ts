import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants as zlibConstants } from 'node:zlib';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import cors from 'cors';
import express from 'express';
import { graphiql } from './graphiql';
import type { Config } from '../config/config';
import { Database, isReady, openDatabase } from '../db/database';
import { currentStatementCount, withStatementCount } from '../db/statement-count';
import { compiledExecution } from '../graphql/compiled-execution';
import { costLimitPlugin } from '../graphql/operation-cost';
import { limitRules, parseOptions } from '../graphql/operation-limits';
import { buildSchema } from '../graphql/schema';
import { clientErrorFormatter } from '../graphql/suggestions';
import type { AppServices } from '../services/app-services';
import type { RequestContext } from '../services/request-context';
import { createAppServices } from './app-services';
import { deskRoutes } from './desk';
import { clientAddress } from './client-address';
import { drainHttpServer } from './drain';
import { crossSitePostsRefused } from './cross-site';
import { contextFromAuthorization } from './http-context';
import { httpCaching } from './http-caching';
import type { DestinationStream } from 'pino';
import { createLogger, Logger } from '../observability/logger';
import { metricsEndpoint } from './metrics-endpoint';
import { operationObserver } from './operation-observer';
import { corsOptions } from './origins';
import { rateLimitPlugin } from './rate-limits';
import { jsonBody, requestBodyErrors } from './request-body';
import { originOf, requestLogging } from './request-logging';
import { publicPages } from '../publishing/routes';
import { subscriptionsOverHttpRefused } from './subscriptions-over-http';
import { serviceUnavailableStatus } from './unavailable-status';
import { startWebSocketServer } from './websocket';

export interface RunningServer {
  /** http://host:port/graphql */
  url: string;
  port: number;
  app: AppServices;
  database: Database;
  logger: Logger;
  /** Stops taking requests, finishes those in flight, closes the database. */
  stop(): Promise<void>;
}

/**
 * Opens the database, then serves GraphQL on /graphql, the reviewers' desk on /desk/, readiness on /healthz and metrics on
 * /metrics. `tokenClock`: what time it is for tokens' lifetimes, in milliseconds (default `Date.now`); `logDestination`:
 * where the JSON log lines go (default stdout), for a test that waits on one.
 */
export async function startServer(config: Config, tokenClock?: () => number, logDestination?: DestinationStream): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, logDestination);
  const database = await openDatabase(config);
  const { app, feed } = createAppServices(database, config, logger, tokenClock);
  await feed.start();
  const httpServer = createServer();
  const schema = buildSchema();
  const apollo = new ApolloServer<RequestContext>({
    gateway: compiledExecution(schema),
    formatError: clientErrorFormatter(config.production),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    // Refused in crossSitePostsRefused instead, which lets GET queries through (cross-site.ts says why).
    csrfPrevention: false,
    allowBatchedHttpRequests: false,
    // Operation limits, the same as the WebSocket's (websocket.ts): tokens while parsing, depth,
    // aliases and directives while validating, cost once the variables are known.
    parseOptions: parseOptions(config.operationLimits),
    validationRules: limitRules(config.operationLimits),
    // main.ts owns SIGTERM: Apollo's own handler would re-raise the signal and exit non-zero.
    stopOnTerminationSignals: false,
    plugins: [
      drainHttpServer(httpServer, logger),
      // No cache hints per field: Cache-Control is set per request by httpCaching.
      ApolloServerPluginCacheControlDisabled(),
      // No Apollo landing page: it loads the sandbox from a CDN. Development serves GraphiQL (graphiql.ts).
      ApolloServerPluginLandingPageDisabled(),
      costLimitPlugin(config.operationLimits),
      operationObserver(app.metrics, schema),
      subscriptionsOverHttpRefused,
      rateLimitPlugin,
      httpCaching,
      serviceUnavailableStatus,
      ...(config.production ? [] : [statementCountHeader]),
    ],
  });
  await apollo.start();

  const web = express();
  web.disable('x-powered-by');
  // No ETag: a GraphQL answer is not fetched conditionally, so hashing each body would buy nothing.
  web.disable('etag');
  web.use(requestLogging(logger, app.metrics));
  // Every answer over 1 KB, brotli (at quality 5, not compression's 4) or gzip as the client's
  // Accept-Encoding asks.
  web.use(compression({ brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } } }));
  web.get('/metrics', metricsEndpoint(app.metrics, config.metricsToken));
  web.get('/healthz', async (_req, res) => {
    const ready = await isReady(database.dataSource);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', database: database.kind });
  });
  if (!config.production) web.use(graphiql());
  web.use(deskRoutes());
  web.use(
    '/graphql',
    cors(corsOptions(config)),
    crossSitePostsRefused(),
    jsonBody(),
    // After the body is read, outside production: every statement of the request is counted.
    (_req: express.Request, _res: express.Response, next: express.NextFunction) =>
      config.production ? next() : withStatementCount(next),
    expressMiddleware(apollo, {
      context: ({ req, res }) => contextFromAuthorization(app, req.headers.authorization, originOf(res), { clientAddress: clientAddress(req, config.trustProxy) }),
    }),
    requestBodyErrors(logger),
  );
  web.use(publicPages(app, originOf));
  httpServer.on('request', web);
  const live = startWebSocketServer(httpServer, app, feed, schema, logger);

  await listen(httpServer, config.port, config.host);
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
  logger.info({ url, database: database.kind }, 'server ready');

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    app,
    database,
    logger,
    stop: () =>
      (stopping ??= (async () => {
        await live.close();
        await apollo.stop();
        await feed.stop();
        await app.rateLimits.stop();
        await database.close();
        logger.info('server stopped');
      })()),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Outside production, each response says how many SQL statements it took (x-sql-statements),
 * so that N+1 queries show up in development and in tests.
 */
const statementCountHeader = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }: { response: { http: { headers: Map<string, string> } } }) {
        const statements = currentStatementCount();
        if (statements !== undefined) response.http.headers.set('x-sql-statements', String(statements));
      },
    };
  },
};
