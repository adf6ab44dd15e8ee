import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { TokenIssuer } from './tokens';
import type { CommitSignal } from './log-commits';
import type { RateLimits } from './rate-limits';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

/** What lives as long as the server: the database, the configuration, the token keys, the log's commit signal. */
export interface AppServices {
  dataSource: DataSource;
  config: Config;
  tokens: TokenIssuer;
  /** Live delivery, told of each of this instance's commits with the log entries it appended. */
  commits: CommitSignal;
  rateLimits: RateLimits;
  logger: Logger;
  /** This server instance's Prometheus metrics. */
  metrics: Metrics;
}
