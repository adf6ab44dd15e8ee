import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../config/config';
import type { ReviewerEntity } from '../entities/reviewer.entity';
import { inTransaction } from '../db/transaction';
import { createLoaders, Loaders } from './loaders';
import type { TokenIssuer } from './tokens';

/** What lives as long as the server: the database, the configuration, the token keys. */
export interface AppServices {
  dataSource: DataSource;
  config: Config;
  tokens: TokenIssuer;
}

/**
 * Everything one request (or one subscription operation) works with. Every service method
 * takes it first: the signed-in reviewer, the request's DataLoaders, the app's services.
 */
export interface RequestContext {
  app: AppServices;
  /** The signed-in reviewer, read fresh from the database; null for an anonymous client. */
  viewer: ReviewerEntity | null;
  loaders: Loaders;
}

export function createRequestContext(app: AppServices, viewer: ReviewerEntity | null): RequestContext {
  return { app, viewer, loaders: createLoaders(app.dataSource, viewer) };
}

/**
 * Runs a change in one transaction (see inTransaction). After the commit the request's
 * loaders start afresh, so nothing read before the change is served after it.
 */
export async function transact<T>(ctx: RequestContext, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  const result = await inTransaction(ctx.app.dataSource, work);
  ctx.loaders = createLoaders(ctx.app.dataSource, ctx.viewer);
  return result;
}
