import type { DataSource, EntityManager } from 'typeorm';

const retryable = new Set(['40001', '40P01']); // serialization failure, deadlock detected
const attempts = 4;

/**
 * The one way to open a transaction: READ COMMITTED, retried on a serialization failure or a
 * deadlock (the whole work runs again, so it must only write through `tx`). Every query of
 * the work must go through `tx`: on PGlite a query from outside waits for the transaction.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work); // PostgreSQL's default: READ COMMITTED
    } catch (error) {
      const code = sqlState(error);
      if (attempt >= attempts || !code || !retryable.has(code)) throw error;
    }
  }
}

/** The PostgreSQL error code (SQLSTATE) of a failed query, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const e = error as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
}
