import type { Config } from '../config/config';
import type { Database } from '../db/database';
import { postgresRateLimitStore } from '../db/statements/rate-limit-store';
import { LogFeed } from '../live/log-feed';
import { inProcessSignal, listenSignal } from '../live/log-signal';
import type { AppServices } from '../services/app-services';
import { startRateLimits } from '../services/rate-limits';
import { createTokenIssuer, signingSecret } from '../services/tokens';
import type { Logger } from '../observability/logger';
import { Metrics } from '../observability/metrics';

/**
 * The server's long-lived services on an open database, and the feed of its log for live
 * delivery. On PostgreSQL, log changes reach this instance by LISTEN, from every instance; on
 * PGlite, from this process's own commits.
 * `tokenClock`: what time it is for tokens' lifetimes, in milliseconds (default `Date.now`).
 */
export function createAppServices(database: Database, config: Config, logger: Logger, tokenClock?: () => number): { app: AppServices; feed: LogFeed } {
  const logSignal = config.databaseUrl ? listenSignal(config.databaseUrl, logger) : inProcessSignal();
  const app: AppServices = {
    dataSource: database.dataSource,
    config,
    tokens: createTokenIssuer(config, tokenClock),
    logSignal,
    rateLimits: startRateLimits(postgresRateLimitStore(database.dataSource), config.rateLimits, signingSecret(config), logger),
    logger,
    metrics: new Metrics(),
  };
  return { app, feed: new LogFeed(database.dataSource, logSignal, logger) };
}
