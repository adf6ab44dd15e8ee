import type { Config } from '../config/config';
import type { Database } from '../db/database';
import { postgresRateLimitStore } from '../db/statements/rate-limit-store';
import { LogFeed } from '../live/log-feed';
import { listenSignal } from '../live/log-signal';
import type { AppServices } from '../services/app-services';
import { startRateLimits } from '../services/rate-limits';
import { createTokenIssuer, signingSecret } from '../services/tokens';
import type { Logger } from '../observability/logger';
import { Metrics } from '../observability/metrics';

/**
 * The server's long-lived services on an open database, and the feed of its log for live
 * delivery, which hears of this instance's commits from the services. On PostgreSQL, every
 * instance's commits reach it by LISTEN as well.
 * `tokenClock`: what time it is for tokens' lifetimes, in milliseconds (default `Date.now`).
 */
export function createAppServices(database: Database, config: Config, logger: Logger, tokenClock?: () => number): { app: AppServices; feed: LogFeed } {
  const feed = new LogFeed(database.dataSource, config.databaseUrl ? listenSignal(config.databaseUrl, logger) : null, logger);
  const app: AppServices = {
    dataSource: database.dataSource,
    config,
    tokens: createTokenIssuer(config, tokenClock),
    commits: feed,
    rateLimits: startRateLimits(postgresRateLimitStore(database.dataSource), config.rateLimits, signingSecret(config), logger),
    logger,
    metrics: new Metrics(),
  };
  return { app, feed };
}
