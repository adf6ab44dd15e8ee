import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import { ProjectDataSource } from '../data-source';
import { countStatement } from '../statement-count';
import { statementName } from './named-statements';

/**
 * Rows of a statement, RETURNING included, whatever its command; in `tx`'s transaction if it
 * has one. A named prepared statement when `tx`'s DataSource was built with namedStatements.
 */
export async function queryRows<T>(tx: EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const named = tx.connection instanceof ProjectDataSource && tx.connection.namedStatements;
  const statement = { name: named ? statementName(sql) : undefined, text: sql, values: parameters };
  // Counted here, as TypeORM's logger counts the statements that go through it.
  countStatement();
  return (await (await pgConnection(tx)).query<T & QueryResultRow>(statement)).rows;
}

/**
 * Where a statement of `tx` goes with pg itself (TypeORM's query runner takes no statement
 * name): the transaction's connection, which TypeORM's query runner holds with an 'error'
 * listener; outside one, the driver's pg Pool, whose query() checks a connection out for the
 * statement alone, listens for its 'error' while it runs (pg emits it when the database drops
 * the connection mid-statement, and with no listener the process would end) and drops a
 * connection whose statement failed.
 */
async function pgConnection(tx: EntityManager): Promise<Pool | PoolClient> {
  if (tx.queryRunner) return (await tx.queryRunner.connect()) as PoolClient;
  // TypeORM's PostgreSQL driver keeps its pg Pool as `master`.
  return (tx.connection.driver as unknown as { master: Pool }).master;
}
