import type { PoolClient, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { statementName } from './named-statements';
import { countStatement } from '../statement-count';

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
  // Outside one, on a connection of the driver's pool for this statement alone. pg emits
  // 'error' on a connection the database drops mid-statement, besides failing the statement;
  // with no listener while it is checked out, that event would end the process.
  const [client, release] = (await (tx.connection.driver as PostgresDriver).obtainMasterConnection()) as [PoolClient, (error?: unknown) => void];
  const statementFailsToo = () => undefined;
  client.on('error', statementFailsToo);
  try {
    const { rows } = await client.query<T & QueryResultRow>(statement);
    release();
    return rows;
  } catch (error) {
    // A connection whose statement failed may be broken: the pool drops it, as pg's pool.query does.
    release(error);
    throw error;
  } finally {
    client.off('error', statementFailsToo);
  }
}
