import getPort from 'get-port';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoClaims, demoEvent } from '../../src/demo/demo-data';
import { ApiClient, ok } from '../support/client';
import { ServerProcess, spawnServer, waitHealthy } from '../support/server-process';

const seedScript = join(__dirname, '../../dist/src/demo/seed-demo.js');

/** `npm run seed:demo` without the build: its exit code and output. */
function runSeed(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [seedScript], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

async function demoEvents(api: ApiClient): Promise<{ id: string; title: string }[]> {
  const { events } = ok(await api.op('Events', { first: 50 }));
  return events.edges.map((edge: { node: { id: string; title: string } }) => edge.node);
}

describe('npm run seed:demo beside `npm start` on PGlite', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'seed-beside-'));
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  test('seeds through the running server, once, and the demo is readable through its API at once', async () => {
    const port = await getPort();
    const env = { PORT: String(port), DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
    server = spawnServer(env);
    await waitHealthy(server, port);
    const api = new ApiClient(`http://127.0.0.1:${port}/graphql`);

    const first = await runSeed(env);
    expect(first.output).toContain(`A server runs on ${dataDir}: seeding through it`);
    expect(first.code).toBe(0);
    expect(first.output).toContain(`Seeded "${demoEvent.title}"`);
    const [event] = await demoEvents(api);
    expect(event.title).toBe(demoEvent.title);
    const board = ok(await api.op('EventBoard', { id: event.id, first: 50 })).event.claims;
    expect(board.totalCount).toBe(demoClaims.length);
    const found = ok(await api.op('Claims', { filter: { eventId: event.id, search: 'разграбили банкоматы' } })).claims;
    expect(found.edges[0].node.statement).toBe('В Алматы разграблены банкоматы.');

    const [, email, password] = /Sign in as the demo editor: (\S+) \/ (\S+)/.exec(first.output)!;
    const { logIn } = ok(await api.op('LogIn', { input: { email, password } }));
    expect(logIn.reviewer.role).toBe('EDITOR');

    const second = await runSeed(env);
    expect(second.code).toBe(0);
    expect(second.output).toContain('already exists');
    expect(await demoEvents(api)).toEqual([event]);
    expect(ok(await api.op('EventBoard', { id: event.id, first: 50 })).event.claims.totalCount).toBe(demoClaims.length);

    // With the server stopped, the seed opens the data directory itself, and still creates nothing twice.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const alone = await runSeed(env);
    expect(alone.code).toBe(0);
    expect(alone.output).not.toContain('seeding through it');
    expect(alone.output).toContain('already exists');
  });
});
