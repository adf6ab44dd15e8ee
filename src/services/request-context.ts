import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../config/config';
import type { ReviewerEntity } from '../entities/reviewer.entity';
import { inTransaction } from '../db/transaction';
import { createLoaders, Loaders } from './loaders';
import type { TokenIssuer } from './tokens';
import { appendsOf } from './activity-log';
import type { CommitSignal, LogAppend } from './log-commits';
import type { RateLimits } from './rate-limits';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

/** What lives as long as the server: the database, the configuration, the token keys, the log's commit signal. */
export interface AppServices {
  dataSource: DataSource;
  config: Config;
  tokens: TokenIssuer;
  /** How this instance hears that a log grew; told of each local commit. */
  logSignal: CommitSignal;
  rateLimits: RateLimits;
  logger: Logger;
  /** This server instance's Prometheus metrics. */
  metrics: Metrics;
}

/** The signed-in reviewer as a request sees it: the account, and whether any membership of theirs is SUSPENDED. */
export type Viewer = ReviewerEntity & { suspended: boolean };

/** A reviewer as a viewer, for an account known to hold no SUSPENDED membership (one just made). */
export function unsuspendedViewer(reviewer: ReviewerEntity): Viewer {
  return Object.assign(reviewer, { suspended: false });
}

/** Where a request came from, as its logs and a masked error name it. */
export interface RequestOrigin {
  /** The HTTP request's id, or the WebSocket connection's id and the operation's number. */
  requestId: string;
  /** The app's logger with the request id on every line. */
  log: Logger;
}

/**
 * Everything one request (or one subscription operation) works with. Every service method
 * takes it first: the signed-in reviewer, the request's DataLoaders, the app's services.
 */
export interface RequestContext {
  app: AppServices;
  /** The signed-in reviewer, read fresh from the database; null for an anonymous client. */
  viewer: Viewer | null;
  loaders: Loaders;
  requestId: string;
  log: Logger;
  /** The client's address (or IPv6 network), as rate limits count it; see client-address.ts. */
  clientAddress?: string;
  /**
   * For an operation on a WebSocket: the socket's connectionParams.activityAfter, the last
   * activity cursor its client saw of each event it follows, read again at every (re)connect.
   */
  activityAfter?: unknown;
}

/** A request's context; without an origin (a script, a shared execution) it gets an id of its own. */
export function createRequestContext(
  app: AppServices,
  viewer: Viewer | null,
  origin: RequestOrigin = newOrigin(app.logger),
): RequestContext {
  return new Context(app, viewer, createLoaders(app.dataSource, viewer), origin);
}

/**
 * The logger is a getter of the class, not of the object: Apollo Server copies each request's
 * context with Object.assign, which would read an own getter and make the child logger that
 * newOrigin defers (~1% of an EventBoard's allocations, bench B1).
 */
class Context implements RequestContext {
  readonly requestId: string;
  clientAddress?: string;
  activityAfter?: unknown;

  constructor(
    readonly app: AppServices,
    readonly viewer: Viewer | null,
    public loaders: Loaders,
    private readonly origin: RequestOrigin,
  ) {
    this.requestId = origin.requestId;
  }

  get log(): Logger {
    return this.origin.log;
  }
}

/**
 * A fresh request id, and a child of `logger` that puts it on every line, made when first
 * used: most requests write no line, and a child logger costs its bindings' redaction.
 */
export function newOrigin(logger: Logger, requestId: string = randomUUID()): RequestOrigin {
  let log: Logger | undefined;
  return {
    requestId,
    get log() {
      return (log ??= logger.child({ requestId }));
    },
  };
}

/**
 * Runs a change in one transaction (see inTransaction). After the commit the request's
 * loaders start afresh, so nothing read before the change is served after it.
 */
export async function transact<T>(ctx: RequestContext, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  let appends: LogAppend[] = [];
  const result = await inTransaction(ctx.app.dataSource, async (tx) => {
    const done = await work(tx);
    appends = appendsOf(tx);
    return done;
  });
  ctx.loaders = createLoaders(ctx.app.dataSource, ctx.viewer);
  ctx.app.logSignal.committed(appends);
  return result;
}
