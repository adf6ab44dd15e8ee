import { migrations } from '../../migrations';
import { ApiClient, ok } from '../support/client';
import { createTestDatabase, onPostgres, startTestServer } from '../support/test-server';
import { World } from '../support/world';

test('/healthz is 200 while the database answers and 503 once it does not', async () => {
  const server = await startTestServer();
  const health = () => fetch(server.url.replace('/graphql', '/healthz'));
  const healthy = await health();
  expect(healthy.status).toBe(200);
  expect(await healthy.json()).toEqual({ status: 'ok', database: onPostgres ? 'postgresql' : 'pglite' });
  await server.server.database.close();
  const unhealthy = await health();
  expect(unhealthy.status).toBe(503);
  expect(await unhealthy.json()).toMatchObject({ status: 'unavailable' });
  await server.stop();
});

// PGlite has one process per data directory by design (server-process.test.ts checks the refusal).
(onPostgres ? test : test.skip)('on PostgreSQL only: two instances started at once migrate one database once and share it', async () => {
  const database = await createTestDatabase();
  const [a, b] = await Promise.all([startTestServer({}, database), startTestServer({}, database)]);
  try {
    const world = await World.create(a.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 1 });
    const claimId = await world.submitClaim(editor, eventId, 'CSTO units will guard strategic facilities');
    const throughB = new ApiClient(b.url, editor.token);
    ok(await throughB.op('CastVote', { input: { claimId, rating: 'TRUE' } }));
    const seenByA = ok(await new ApiClient(a.url).op('ClaimDetail', { id: claimId })).claim;
    expect(seenByA.verdict).toMatchObject({ status: 'CONSENSUS', rating: 'TRUE', version: 1 });
    const applied = await a.server.app.dataSource.query('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((row: { name: string }) => row.name)).toEqual(migrations.map((migration) => migration.name));
  } finally {
    await a.server.stop();
    await b.stop();
  }
});
