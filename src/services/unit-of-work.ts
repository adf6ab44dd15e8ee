import type { EntityManager } from 'typeorm';
import { inTransaction } from '../db/transaction';
import type { LogAppend } from './log-commits';
import type { RequestContext } from './request-context';

/**
 * One transaction of a request: the entity manager its work writes through, and the event-log
 * appends it made (activity-log's appendActivity records them), which the commit then signals.
 */
export class UnitOfWork {
  readonly logAppends: LogAppend[] = [];
  constructor(readonly tx: EntityManager) {}
}

/**
 * Runs a change in one transaction (see inTransaction), then tells live delivery of the log
 * appends it committed. After the commit the request's loaders start afresh, so nothing read
 * before the change is served after it.
 */
export async function transact<T>(ctx: RequestContext, work: (tx: EntityManager, unit: UnitOfWork) => Promise<T>): Promise<T> {
  let committed: UnitOfWork | undefined;
  const result = await inTransaction(ctx.app.dataSource, async (tx) => {
    const unit = new UnitOfWork(tx); // a fresh one for each attempt: a retry starts over
    const done = await work(tx, unit);
    committed = unit;
    return done;
  });
  ctx.renewLoaders();
  ctx.app.logSignal.committed(committed!.logAppends);
  return result;
}
