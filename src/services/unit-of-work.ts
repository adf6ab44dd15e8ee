import type { EntityManager } from 'typeorm';
import { committedAfterAll, inTransaction, transactionId } from '../db/transaction';
import type { LogAppend } from './log-commits';
import type { RequestContext } from './request-context';

/**
 * One transaction of a request: the entity manager its work writes through, and the event-log
 * appends it made (activity-log's appendActivity records them), which the commit then signals.
 */
export class UnitOfWork {
  readonly logAppends: LogAppend[] = [];
  /** The transaction's id (see transactionId), once a statement of the work has returned it. */
  private id: string | null = null;
  constructor(readonly tx: EntityManager) {}

  /** Records an append to the log, made by the transaction `transactionId`. */
  appended(append: LogAppend, transactionId: string): void {
    this.logAppends.push(append);
    this.id = transactionId;
  }

  /** The transaction's id: as an append returned it, or else asked for. */
  async transactionId(): Promise<string | null> {
    return this.id ?? transactionId(this.tx);
  }
}

/**
 * Runs a change in one transaction (see inTransaction), then tells live delivery of the log
 * appends it committed. After the commit the request's loaders start afresh, so nothing read
 * before the change is served after it. A COMMIT whose connection dropped is not taken for a
 * rollback: the database is asked whether it landed (committedAfterAll), and if it did, the
 * change is answered as done.
 */
export async function transact<T>(ctx: RequestContext, work: (tx: EntityManager, unit: UnitOfWork) => Promise<T>): Promise<T> {
  let done: { unit: UnitOfWork; result: T; xid: string | null } | undefined;
  try {
    await inTransaction(ctx.app.dataSource, async (tx) => {
      done = undefined; // a retry starts over
      const unit = new UnitOfWork(tx);
      const result = await work(tx, unit);
      done = { unit, result, xid: await unit.transactionId() };
    });
  } catch (error) {
    if (!done || !(await committedAfterAll(ctx.app.dataSource, done.xid, error))) throw error;
  }
  ctx.renewLoaders();
  ctx.app.commits.committed(done!.unit.logAppends);
  return done!.result;
}
