import { ok } from '../support/client';
import { collect, liveClient } from '../support/live-client';
import { startTestServer, TestServer } from '../support/test-server';
import { World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

test('a verdictChanged subscriber receives each verdict change of its event, in order', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, eventId, 'Shooting on Republic Square in Almaty');
  // From the end of the log as it is now: what follows arrives by replay or live, either way.
  const after = ok(await world.anonymous.op('ActivitySince', { eventId })).activity.pageInfo.endCursor;
  const live = liveClient(server.url);
  const changes = collect(live.client, 'OnVerdictChanged', { eventId, after });
  await world.vote(editor, claimId, 'TRUE');
  await world.vote(editor, claimId, 'MIXED');
  const [first, second] = await changes.take(2);
  expect(first.data.verdictChanged).toMatchObject({ claim: { id: claimId }, previous: { status: 'UNVERIFIED', version: 0 }, verdict: { status: 'CONSENSUS', rating: 'TRUE', version: 1 } });
  expect(second.data.verdictChanged.verdict).toMatchObject({ rating: 'MIXED', version: 2 });
  changes.unsubscribe();
  await live.dispose();
});
