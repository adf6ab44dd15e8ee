import getPort from 'get-port';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiClient, contractDocument, ok, type GraphQLResponse } from '../support/client';
import { logged, spawnServer, waitHealthy, type ServerProcess } from '../support/server-process';

// The embedded default, as `npm start` runs it on a machine with nothing else installed.
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'verification-process-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** A server on dataDir and `port`, once it answers /healthz. */
async function startedOn(port: number): Promise<ServerProcess> {
  const server = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
  await waitHealthy(server, port);
  return server;
}

const signUpInput = () => ({
  input: { email: `p-${randomBytes(5).toString('hex')}@example.org`, password: 'long enough password', displayName: 'P' },
});

test('starts on PGlite under DATA_DIR, keeps its data across a restart, and stops on SIGTERM with exit 0', async () => {
  const port = await getPort();
  const first = await startedOn(port);
  expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
  expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
  const api = new ApiClient(`http://127.0.0.1:${port}/graphql`);
  const admin = ok(await api.op('SignUp', signUpInput())).signUp;
  expect(admin.reviewer.role).toBe('ADMIN');
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(existsSync(join(dataDir, 'server.pid'))).toBe(false);

  const second = await startedOn(port);
  // The same token still works: the development secret was kept in DATA_DIR.
  const viewer = ok(await api.as(admin.token).op('Viewer')).viewer;
  expect(viewer).toMatchObject({ id: admin.reviewer.id, role: 'ADMIN' });
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

test('a second server on the same DATA_DIR refuses to start, with a clear message', async () => {
  const port = await getPort();
  const first = await startedOn(port);
  const second = spawnServer({ DATA_DIR: dataDir, PORT: String(await getPort()) });
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain(`Another server (pid ${first.child.pid}) is using the data directory`);
  // The first one is unharmed.
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
});

test('after SIGKILL the next server takes the data directory over at once', async () => {
  const port = await getPort();
  const first = await startedOn(port);
  ok(await new ApiClient(`http://127.0.0.1:${port}/graphql`).op('SignUp', signUpInput()));
  first.child.kill('SIGKILL');
  await first.exited;
  const second = await startedOn(port);
  const events = ok(await new ApiClient(`http://127.0.0.1:${port}/graphql`).op('Events')).events;
  expect(events.totalCount).toBe(0);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

/** What came back for a request: its status and parsed body, or the error it met. */
type Answer = { status: number; body: GraphQLResponse } | { error: string };

/**
 * A sign-up whose body waits for `send()`. `taken` resolves when the server has answered
 * 100 Continue: it has read the request's headers and handed the request to the app, so the
 * request is in flight. `answer`: the status and parsed body, or the error the request met.
 */
function heldSignUp(port: number) {
  const body = JSON.stringify({ query: contractDocument, operationName: 'SignUp', variables: signUpInput() });
  const request = httpRequest({
    host: '127.0.0.1',
    port,
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const taken = new Promise<void>((resolve) => request.once('continue', resolve));
  const answer = new Promise<Answer>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.once('error', reject);
      response.once('end', () => {
        try {
          resolve({ status: response.statusCode!, body: JSON.parse(text) });
        } catch (error) {
          reject(error);
        }
      });
    });
  }).catch((error: Error) => ({ error: error.message }));
  request.flushHeaders();
  return { taken, answer, send: () => request.end(body) };
}

/** Whether a new TCP connection to the port is refused. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

test('SIGTERM: new connections are refused, and the requests in flight finish, each with its full answer', async () => {
  const port = await getPort();
  const server = await startedOn(port);
  const held = Array.from({ length: 5 }, () => heldSignUp(port));
  await Promise.all(held.map((request) => request.taken));

  server.child.kill('SIGTERM');
  // While the requests wait for their bodies, the server stops listening.
  await logged(server, 'stopped accepting connections');
  expect(await refusesConnections(port)).toBe(true);
  for (const request of held) request.send();
  const answers = await Promise.all(held.map((request) => request.answer));
  const signedUp = { token: expect.any(String), reviewer: expect.objectContaining({ id: expect.any(String) }) };
  expect(answers).toEqual(held.map(() => ({ status: 200, body: { data: { signUp: expect.objectContaining(signedUp) } } })));
  expect(await server.exited).toBe(0);

  // Every answered sign-up was kept.
  const again = await startedOn(port);
  const api = new ApiClient(`http://127.0.0.1:${port}/graphql`);
  for (const { body } of answers as Extract<Answer, { body: unknown }>[]) {
    expect(ok(await api.as(body.data.signUp.token).op('Viewer')).viewer.id).toBe(body.data.signUp.reviewer.id);
  }
  again.child.kill('SIGTERM');
  expect(await again.exited).toBe(0);
});

test.each([
  [{ NODE_ENV: 'production' }, 'JWT_SECRET: required when NODE_ENV=production'],
  [{ PORT: 'eighty' }, 'PORT:'],
  [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
  [{ JWT_SECRET: 'short' }, 'JWT_SECRET: must be at least 32 characters'],
  [{ PUBLIC_BASE_URL: 'ftp://example.org' }, 'PUBLIC_BASE_URL: must be an http(s) URL'],
])('refuses a bad configuration %j with a clear message', async (env, message) => {
  const server = spawnServer({ DATA_DIR: dataDir, PORT: String(await getPort()), ...env });
  expect(await server.exited).toBe(1);
  expect(server.output()).toContain('Invalid configuration');
  expect(server.output()).toContain(message);
});
