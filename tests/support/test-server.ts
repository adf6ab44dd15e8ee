import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/config';
import { RunningServer, startServer } from '../../src/server/app';
import { ServerLogs } from './server-logs';

export interface TestServer {
  url: string;
  server: RunningServer;
  /** What the server logged, at its LOG_LEVEL (silent unless the test or TEST_LOG_LEVEL asks). */
  logs: ServerLogs;
  stop(): Promise<void>;
}

/** PostgreSQL for the suite when TEST_DATABASE_URL (or DATABASE_URL) is set; else PGlite. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
export const onPostgres = Boolean(testDatabaseUrl);

/**
 * A real server on a free port with a database of its own: a new PostgreSQL database, or a
 * new PGlite data directory, migrated from scratch, and removed again by stop().
 * `tokenClock`: the clock tokens' lifetimes are measured on, for a test that moves it.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  database?: TestDatabase,
  tokenClock?: () => number,
): Promise<TestServer> {
  database ??= await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PUBLIC_BASE_URL: 'https://factcheck.example.org',
    PUBLISHER_NAME: 'Test Desk',
    ...database.env,
    ...env,
  });
  const logs = new ServerLogs(Boolean(process.env.TEST_LOG_LEVEL));
  const server = await startServer(config, tokenClock, logs.stream);
  return {
    url: server.url,
    server,
    logs,
    async stop() {
      await server.stop();
      await database!.drop();
    },
  };
}

export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, empty database: a new PostgreSQL database, or a new PGlite data directory. */
export function createTestDatabase(): Promise<TestDatabase> {
  return onPostgres ? createPostgresDatabase(testDatabaseUrl!) : createDataDir();
}

async function createDataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'verification-test-'));
  return { env: { DATA_DIR: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
}

async function createPostgresDatabase(adminUrl: string) {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    async drop() {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
