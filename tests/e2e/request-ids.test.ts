import getPort from 'get-port';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import WebSocket from 'ws';
import { ApiClient, ok } from '../support/client';
import { collect, liveClient } from '../support/live-client';
import { expectRefused, expectSafeErrors } from '../support/refusals';
import { spawnServer, waitHealthy, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-server';
import { until } from '../support/until';

// The built server as its own process in production mode, so that its stdout (the JSON logs) can be read.
const jwtSecret = randomBytes(32).toString('hex');
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Running {
  url: string;
  api: ApiClient;
  process: ServerProcess;
  /** Every line the server wrote so far, each parsed as JSON (throws on a line that is not). */
  logs(): Record<string, any>[];
  stop(): Promise<void>;
}

async function startProduction(database: TestDatabase): Promise<Running> {
  const port = await getPort();
  const process = spawnServer({ NODE_ENV: 'production', JWT_SECRET: jwtSecret, PORT: String(port), ...database.env });
  await waitHealthy(process, port);
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    api: new ApiClient(url),
    process,
    logs: () => process.output().split('\n').filter(Boolean).map((line) => JSON.parse(line)),
    async stop() {
      process.child.kill('SIGTERM');
      expect(await process.exited).toBe(0);
    },
  };
}

/** The first line the server logged that matches, looked for again at each chunk of its stdout; fails after 15 s. */
async function logged(server: Running, match: (line: Record<string, any>) => boolean): Promise<Record<string, any>> {
  const found = () => server.logs().find(match);
  await until(server.process.child.stdout!, 'data', () => found() !== undefined, 'a log line').catch((error: Error) => {
    throw new Error(`${error.message} in:\n${server.process.output()}`);
  });
  return found()!;
}

/** Drops a table of a stopped server's database, as an operator's mistake or a broken migration would. */
async function dropTable(database: TestDatabase, table: string): Promise<void> {
  const sql = `DROP TABLE ${table} CASCADE`;
  if (database.env.DATABASE_URL) {
    const client = new Client({ connectionString: database.env.DATABASE_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
  } else {
    const db = await PGlite.create({ dataDir: join(database.env.DATA_DIR, 'pglite') });
    await db.exec(sql);
    await db.close();
  }
}

const signUpInput = (password: string) => ({
  input: { email: `l-${randomBytes(5).toString('hex')}@example.org`, password, displayName: 'Logged' },
});

describe('one server', () => {
  let database: TestDatabase;
  let server: Running;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startProduction(database);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  test('every HTTP response and WebSocket upgrade carries an x-request-id: a safe one sent is kept, any other is replaced', async () => {
    const idOf = async (path: string, requestId?: string) => {
      const response = await fetch(server.url.replace(/\/graphql$/, path), { headers: requestId ? { 'x-request-id': requestId } : {} });
      return response.headers.get('x-request-id');
    };
    const kept = `trace-${randomBytes(4).toString('hex')}.A_1`;
    expect(await idOf('/graphql?query=%7B__typename%7D', kept)).toBe(kept);
    expect(await idOf('/healthz', kept)).toBe(kept);
    const replaced = ['has spaces', 'x'.repeat(65), '<script>', 'line\\nbreak', 'ünïcode'];
    for (const unsafe of replaced) expect(await idOf('/graphql?query=%7B__typename%7D', unsafe)).toMatch(uuid);
    const [first, second] = [await idOf('/healthz'), await idOf('/healthz')];
    expect(first).toMatch(uuid);
    expect(second).toMatch(uuid);
    expect(first).not.toBe(second);

    const upgradeId = async (requestId?: string) => {
      const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws', {
        headers: requestId ? { 'x-request-id': requestId } : {},
      });
      const id = await new Promise<string | undefined>((resolve, reject) => {
        socket.once('upgrade', (response) => resolve(response.headers['x-request-id'] as string | undefined));
        socket.once('error', reject);
      });
      socket.close();
      return id;
    };
    expect(await upgradeId('socket-7')).toBe('socket-7');
    expect(await upgradeId('no good')).toMatch(uuid);
    const opened = await logged(server, (line) => line.msg === 'socket opened' && line.connectionId === 'socket-7');
    expect(opened.level).toBe(30);
    console.log(`x-request-id: kept "${kept}", replaced ${replaced.length} unsafe ones with UUIDs; WebSocket upgrade kept "socket-7"`);
  });

  test('the log lines of a logIn request carry its request id, and never the password or the token', async () => {
    const password = `pass-${randomBytes(8).toString('hex')}`;
    const { email } = signUpInput(password).input;
    ok(await server.api.op('SignUp', { input: { email, password, displayName: 'Logged' } }));
    const requestId = `login-${randomBytes(6).toString('hex')}`;
    const response = await server.api.request<any>({ query: loginDocument, operationName: 'LogIn', variables: { input: { email, password } } }, { 'x-request-id': requestId });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const token = ok(response).logIn.token as string;
    // The token then travels in a header of a later request, and a wrong password is tried too.
    ok(await server.api.as(token).op('Viewer'));
    const wrongId = `login-wrong-${randomBytes(6).toString('hex')}`;
    const wrong = await server.api.request({ query: loginDocument, operationName: 'LogIn', variables: { input: { email, password: `${password}-wrong` } } }, { 'x-request-id': wrongId });
    expectRefused(wrong, 'UNAUTHENTICATED');

    const access = await logged(server, (line) => line.requestId === requestId && line.msg === 'request');
    expect(access).toMatchObject({ level: 30, method: 'POST', path: '/graphql', status: 200, operationName: 'LogIn', service: 'verification-backend' });
    expect(typeof access.durationMs).toBe('number');
    await logged(server, (line) => line.msg === 'request' && line.operationName === 'Viewer');
    await logged(server, (line) => line.msg === 'request' && line.requestId === wrongId);
    const output = server.process.output();
    expect(output).not.toContain(password);
    expect(output).not.toContain(token);
    expect(output).not.toContain(token.split('.')[2]); // not even the signature alone
    expect(output).not.toContain(jwtSecret);
    const lines = server.logs(); // every line is JSON
    console.log(`logIn ${requestId}: ${lines.filter((line) => line.requestId === requestId).length} line(s) with its id; ${lines.length} log lines, none with the password, the token or JWT_SECRET; access line: ${JSON.stringify(access)}`);
  });
});

test('in production a masked internal error carries a requestId, over HTTP and WebSocket, that leads to its log line', async () => {
  const database = await createTestDatabase();
  let server = await startProduction(database);
  try {
    ok(await server.api.op('SignUp', signUpInput('a long enough password')));
    await server.stop();
    await dropTable(database, 'events');
    server = await startProduction(database);

    const requestId = `support-${randomBytes(4).toString('hex')}`;
    const response = await server.api.request<any>({ query: eventsDocument, operationName: 'Events' }, { 'x-request-id': requestId });
    expect(response.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } })]);
    expectSafeErrors(response);
    const httpLine = await logged(server, (line) => line.requestId === requestId && line.msg === 'unexpected error');
    expect(httpLine.level).toBe(50);
    expect(httpLine.err.message).toContain('events');
    expect(httpLine.err.stack).toBeDefined();

    const live = liveClient(server.url);
    try {
      const [message] = await collect(live.client, 'Events', {}, eventsDocument).take(1);
      expect(message.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR' }) })]);
      const liveId = (message.errors![0].extensions as { requestId: string }).requestId;
      expect(liveId).toMatch(/^[0-9a-f-]{36}:1$/); // the connection's id, and the first operation on it
      const liveLine = await logged(server, (line) => line.requestId === liveId && line.msg === 'unexpected error');
      expect(liveLine.err.message).toContain('events');
      console.log(`masked errors: HTTP requestId ${requestId}, WebSocket requestId ${liveId}; both found in the error log with "${httpLine.err.message}"`);
    } finally {
      await live.dispose();
    }
  } finally {
    await server.stop();
    await database.drop();
  }
});

const loginDocument = 'mutation LogIn($input: LogInInput!) { logIn(input: $input) { token reviewer { id } } }';
const eventsDocument = 'query Events { events { totalCount } }';
