import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from './transaction';

/**
 * Runs `read` in one read-only transaction with one snapshot (REPEATABLE READ), so that what it
 * reads never mixes rows from two moments: a public page's verdict with another moment's
 * evidence or listing.
 */
export function inReadSnapshot<T>(dataSource: DataSource, read: (tx: EntityManager) => Promise<T>): Promise<T> {
  return inTransaction(dataSource, async (tx) => {
    // TypeORM's isolation levels name no READ ONLY: the transaction is set here, before its first read.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return read(tx);
  });
}
