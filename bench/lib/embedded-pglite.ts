import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * PGlite on a data directory behind a wire-protocol socket on a free loopback port, as the
 * project embeds it, so that a baseline reaches it with the ordinary pg driver. PGlite runs
 * one query at a time: one connection is all it serves safely.
 */
export async function startPglite(dataDir: string): Promise<{ url: string; db: PGlite; stop(): Promise<void> }> {
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 3 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** PGlite on a data directory, in this process, for the harness's own checks. */
export function openPglite(dataDir: string): Promise<PGlite> {
  return PGlite.create({ dataDir, extensions: { pg_trgm } });
}
