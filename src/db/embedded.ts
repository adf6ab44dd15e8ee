import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { acquireDataDirLock, DataDirLock } from './data-dir-lock';

interface EmbeddedDatabase {
  /** A postgres:// URL for the ordinary pg driver, so both databases share one code path. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WASM) in this process, behind a wire-protocol socket
 * on a free loopback port. PGlite has no lock of its own, so the data directory is locked
 * first: a second server on the same directory refuses to start instead of losing rows.
 * `dataDir` undefined keeps the database in memory (tests).
 */
export async function startEmbeddedDatabase(options: {
  dataDir?: string;
  maxConnections: number;
}): Promise<EmbeddedDatabase> {
  let lock: DataDirLock | undefined;
  let storage = 'memory://';
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = acquireDataDirLock(options.dataDir);
    storage = join(options.dataDir, 'pglite');
  }
  try {
    const db = await PGlite.create({ dataDir: storage, extensions: { pg_trgm } });
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: options.maxConnections,
    });
    await server.start();
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres`,
      async stop() {
        await server.stop();
        await db.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
