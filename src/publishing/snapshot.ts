import type { EntityManager } from 'typeorm';
import { inTransaction } from '../db/transaction';
import type { RequestContext } from '../services/request-context';

/**
 * Reads what one public page shows in one read-only transaction with one snapshot, so that a
 * page never mixes a verdict with evidence or a listing from another moment.
 */
export function readSnapshot<T>(ctx: RequestContext, read: (tx: EntityManager) => Promise<T>): Promise<T> {
  return inTransaction(ctx.app.dataSource, async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return read(tx);
  });
}
