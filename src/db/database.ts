import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { createDataSource, migrate } from './data-source';
import { startEmbeddedDatabase } from './embedded';

export interface Database {
  dataSource: DataSource;
  /** "postgresql" or "pglite", for logs and /healthz. */
  kind: 'postgresql' | 'pglite';
  close(): Promise<void>;
}

// pglite-socket forwards each connection's protocol messages to PGlite's single session one
// by one: outside a transaction, two connections' Parse/Bind/Execute interleave and clobber
// each other's unnamed statements. One connection serialises them; PGlite runs one query at
// a time anyway, so nothing is lost.
const poolSize = { postgresql: 10, pglite: 1 };

/**
 * Opens the configured database and brings its schema up to date: PostgreSQL at DATABASE_URL,
 * or else PGlite under DATA_DIR, reached through the same pg driver.
 */
export async function openDatabase(config: Config): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedDatabase({ dataDir: config.dataDir, maxConnections: poolSize.pglite + 2 });
  const kind = embedded ? 'pglite' : 'postgresql';
  const dataSource = createDataSource(embedded?.url ?? config.databaseUrl!, { poolSize: poolSize[kind], namedStatements: kind === 'postgresql' });
  try {
    await dataSource.initialize();
    await migrate(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    dataSource,
    kind,
    close: () =>
      (closing ??= (async () => {
        await dataSource.destroy();
        await embedded?.stop();
      })()),
  };
}

/** True when the database answers and no migration is pending. */
export async function isReady(dataSource: DataSource): Promise<boolean> {
  try {
    return dataSource.isInitialized && !(await dataSource.showMigrations());
  } catch {
    return false;
  }
}
