import { startTestServer, TestServer } from '../support/test-server';
import { ok } from '../support/client';
import { World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

test('a reviewer votes and the verdict moves', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, eventId, 'Russian troops invaded Kazakhstan');
  const result = await world.vote(editor, claimId, 'FALSE');
  expect(result.claim.verdict).toMatchObject({ status: 'CONSENSUS', rating: 'FALSE', voteCount: 1, version: 1 });
  const board = ok(await world.anonymous.op('EventBoard', { id: eventId }));
  expect(board.event.claims.edges[0].node.votes.edges[0].node.reviewer).toBeNull();
});
