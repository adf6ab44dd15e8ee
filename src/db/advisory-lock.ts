import type { EntityManager } from 'typeorm';

/**
 * Waits for, then holds until `tx` ends, PostgreSQL's transaction-scoped advisory lock on `key`:
 * a lock on something that has no row yet (the first account of an empty database, a create
 * with an idempotency key not yet used). A string key is hashed into PostgreSQL's lock space.
 * TypeORM has no lock of this kind, so its query builder selects the function, from no table.
 */
export async function holdAdvisoryLock(tx: EntityManager, key: number | string): Promise<void> {
  const lock = typeof key === 'number' ? 'pg_advisory_xact_lock(:key)' : 'pg_advisory_xact_lock(hashtext(:key))';
  await tx.createQueryBuilder().select(lock).fromDummy().setParameters({ key }).getRawOne();
}
