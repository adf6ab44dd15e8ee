import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { isDatabaseUnreachable } from './unreachable';

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

/**
 * The transaction's id, which names it after its connection is gone (committedAfterAll); null
 * while it has written nothing. One round trip: a statement that writes can return
 * pg_current_xact_id() instead (the log's append does).
 */
export async function transactionId(tx: EntityManager): Promise<string | null> {
  const [row] = await tx.query('SELECT pg_current_xact_id_if_assigned()::text AS xid');
  return row.xid;
}

/**
 * Raised when a transaction's connection dropped during COMMIT and the database could not say
 * whether it committed: unlike SERVICE_UNAVAILABLE, it may well have been written. Its message
 * is for clients.
 */
export class CommitInDoubt extends Error {
  constructor() {
    super('The connection to the database dropped while this change was being saved, and whether it was saved is not known. Read it back before you try again.');
    this.name = 'CommitInDoubt';
  }
}

const inDoubtPatienceMs = 10_000;

/**
 * After a transaction whose work was done failed with `error`: whether it committed after all.
 * A COMMIT whose connection drops (the database out of reach) may have landed; the database
 * knows, by the transaction's id (pg_xact_status), once the backend that ran it has finished.
 * True when it committed; false when it did not, when it had written nothing (no id), or when
 * the error is not a dropped connection (the transaction rolled back); CommitInDoubt when the
 * database cannot tell in time.
 */
export async function committedAfterAll(dataSource: DataSource, xid: string | null, error: unknown): Promise<boolean> {
  if (xid === null || !isDatabaseUnreachable(error)) return false;
  for (let pause = 20, waited = 0; ; waited += pause, pause = Math.min(pause * 2, 500)) {
    let status: string | null;
    try {
      [{ status }] = await dataSource.query('SELECT pg_xact_status($1::xid8) AS status', [xid]);
    } catch {
      throw new CommitInDoubt();
    }
    if (status === 'committed') return true;
    if (status === 'aborted') return false;
    // 'in progress': the backend is still finishing the COMMIT it was sent.
    if (status !== 'in progress' || waited >= inDoubtPatienceMs) throw new CommitInDoubt();
    await sleep(pause);
  }
}
