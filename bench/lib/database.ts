import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool, types } from 'pg';
import { Applications } from './backend-cpu';
import { openPglite, startPglite } from './embedded-pglite';

export type DatabaseKind = 'postgres' | 'pglite';

/** Where the bench's databases are created; the machine's PostgreSQL unless BENCH_DATABASE_URL says otherwise. */
export const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs the harness's own statements (seed lookups, checks after a run). */
export interface Inspector {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * One scenario's database, fresh and dropped after it. On PostgreSQL the project and its
 * baseline share it. On PGlite, which lives inside one process, the project embeds it in its
 * data directory and the baseline gets a copy of those files, taken while the project is
 * stopped; both then start from the same data.
 */
export interface BenchDatabase {
  kind: DatabaseKind;
  /** DATABASE_URL, or DATA_DIR for the project's embedded PGlite. */
  projectEnv: Record<string, string>;
  /** DATABASE_URL, or PGLITE_DIR for the baseline's own PGlite; on PGlite the project must be stopped. */
  baselineEnv(): Promise<Record<string, string>>;
  /** The project's data, or the baseline's; on PGlite its owner must be stopped. */
  inspect<T>(side: 'project' | 'baseline', work: (db: Inspector) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  return kind === 'postgres' ? createPostgresDatabase() : createPgliteDatabase();
}

async function createPostgresDatabase(): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString() };
  return {
    kind: 'postgres',
    projectEnv: env,
    baselineEnv: async () => env,
    async inspect(_side, work) {
      const pool = new Pool({ connectionString: env.DATABASE_URL, max: 2 });
      try {
        return await work({ query: async (sql, params) => (await pool.query(sql, params)).rows });
      } finally {
        await pool.end();
      }
    },
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function createPgliteDatabase(): Promise<BenchDatabase> {
  const root = await mkdtemp(join(tmpdir(), 'verification-bench-'));
  const projectDir = join(root, 'project');
  const baselineDir = join(root, 'baseline', 'pglite');
  return {
    kind: 'pglite',
    projectEnv: { DATA_DIR: projectDir },
    async baselineEnv() {
      await rm(baselineDir, { recursive: true, force: true });
      await cp(join(projectDir, 'pglite'), baselineDir, { recursive: true });
      return { PGLITE_DIR: baselineDir };
    },
    async inspect(side, work) {
      const db = await openPglite(side === 'project' ? join(projectDir, 'pglite') : baselineDir);
      try {
        return await work({ query: async (sql, params) => (await db.query(sql, params)).rows as never[] });
      } finally {
        await db.close();
      }
    },
    drop: () => rm(root, { recursive: true, force: true }),
  };
}

async function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** PostgreSQL's version string, or PGlite's; for the machine description. */
export async function databaseVersion(kind: DatabaseKind): Promise<string> {
  if (kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create();
    try {
      const [row] = (await db.query<{ version: string }>('SELECT version()')).rows;
      return `PGlite (${row.version.split(' on ')[0]})`;
    } finally {
      await db.close();
    }
  }
  const [row] = (await withAdmin((admin) => admin.query<{ version: string }>('SELECT version()'))).rows;
  return row.version.split(' on ')[0];
}

/**
 * A connection pool for a baseline, from the environment the harness gives it: the shared
 * PostgreSQL database (DATABASE_URL), or PGlite files of its own (PGLITE_DIR) embedded in
 * this process with one connection, as the project embeds it. Counts and positions arrive
 * as numbers, as in the project.
 */
export async function baselinePool(size: number): Promise<{ pool: Pool; close(): Promise<void> }> {
  types.setTypeParser(types.builtins.INT8, (value) => Number(value));
  const embedded = process.env.PGLITE_DIR ? await startPglite(process.env.PGLITE_DIR) : undefined;
  const url = embedded?.url ?? process.env.DATABASE_URL;
  if (!url) throw new Error('a baseline needs DATABASE_URL or PGLITE_DIR');
  const pool = new Pool({ connectionString: url, max: embedded ? 1 : size, application_name: Applications.baseline });
  return {
    pool,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
