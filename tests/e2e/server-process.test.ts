import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiClient, ok } from '../support/client';
import { freePort, spawnServer, waitHealthy } from '../support/server-process';

// The embedded default, as `npm start` runs it on a machine with nothing else installed.
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'verification-process-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const signUpInput = () => ({
  input: { email: `p-${randomBytes(5).toString('hex')}@example.org`, password: 'long enough password', displayName: 'P' },
});

test('starts on PGlite under DATA_DIR, keeps its data across a restart, and stops on SIGTERM with exit 0', async () => {
  const port = await freePort();
  const first = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
  await waitHealthy(first, port);
  expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
  expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
  const api = new ApiClient(`http://127.0.0.1:${port}/graphql`);
  const admin = ok(await api.op('SignUp', signUpInput())).signUp;
  expect(admin.reviewer.role).toBe('ADMIN');
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(existsSync(join(dataDir, 'server.pid'))).toBe(false);

  const second = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
  await waitHealthy(second, port);
  // The same token still works: the development secret was kept in DATA_DIR.
  const viewer = ok(await api.as(admin.token).op('Viewer')).viewer;
  expect(viewer).toMatchObject({ id: admin.reviewer.id, role: 'ADMIN' });
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

test('a second server on the same DATA_DIR refuses to start, with a clear message', async () => {
  const port = await freePort();
  const first = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
  await waitHealthy(first, port);
  const second = spawnServer({ DATA_DIR: dataDir, PORT: String(await freePort()) });
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain(`Another server (pid ${first.child.pid}) is using the data directory`);
  // The first one is unharmed.
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
});

test('after SIGKILL the next server takes the data directory over at once', async () => {
  const port = await freePort();
  const first = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
  await waitHealthy(first, port);
  ok(await new ApiClient(`http://127.0.0.1:${port}/graphql`).op('SignUp', signUpInput()));
  first.child.kill('SIGKILL');
  await first.exited;
  const second = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
  await waitHealthy(second, port);
  const events = ok(await new ApiClient(`http://127.0.0.1:${port}/graphql`).op('Events')).events;
  expect(events.totalCount).toBe(0);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

test('SIGTERM finishes the requests in flight: each one either completes or was never accepted', async () => {
  const port = await freePort();
  const server = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
  await waitHealthy(server, port);
  const api = new ApiClient(`http://127.0.0.1:${port}/graphql`);
  const burst = Array.from({ length: 20 }, () => api.op('SignUp', signUpInput()).then(ok, (error: Error) => error));
  await new Promise((resolve) => setTimeout(resolve, 20));
  server.child.kill('SIGTERM');
  const outcomes = await Promise.all(burst);
  expect(await server.exited).toBe(0);
  const completed = outcomes.filter((outcome) => !(outcome instanceof Error));
  for (const failure of outcomes.filter((outcome): outcome is Error => outcome instanceof Error)) {
    // Refused or closed before it was taken; never a half answer or a server error.
    expect(failure.message).not.toContain('GraphQL errors');
  }

  const again = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
  await waitHealthy(again, port);
  const member = ok(await api.op('SignUp', signUpInput())).signUp;
  expect(member.reviewer.role).toBe(completed.length === 0 ? 'ADMIN' : 'OBSERVER');
  console.log(`SIGTERM during a burst of 20 sign-ups: ${completed.length} completed, ${20 - completed.length} refused`);
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
  const server = spawnServer({ DATA_DIR: dataDir, PORT: String(await freePort()), ...env });
  expect(await server.exited).toBe(1);
  expect(server.output()).toContain('Invalid configuration');
  expect(server.output()).toContain(message);
});
