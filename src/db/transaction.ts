import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { statementName } from './named-statements';
import { countStatement } from './statement-count';

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
 * Rows of a statement, RETURNING included, whatever its command; in `tx`'s transaction if it
 * has one. A named prepared statement where the database allows it (named-statements.ts).
 */
export async function queryRows<T>(tx: EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const statement = { name: statementName(tx.connection, sql), text: sql, values: parameters };
  // Counted here, as TypeORM's logger counts the statements that go through it.
  countStatement();
  // In a transaction, on its connection; TypeORM's query runner takes no statement name.
  if (tx.queryRunner) return (await ((await tx.queryRunner.connect()) as PoolClient).query<T & QueryResultRow>(statement)).rows;
  // Outside a transaction, on the driver's pool itself: a TypeORM query runner, made, connected,
  // told of the query and released for every read, was ~3% of an EventBoard's CPU (bench B1).
  const pool = (tx.connection.driver as PostgresDriver).master as Pool;
  return (await pool.query<T & QueryResultRow>(statement)).rows;
}
