import { ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const ratings = ['FALSE', 'MOSTLY_FALSE', 'FALSE', 'TRUE', 'MIXED'];

/** 50 claims, each with evidence of two stances and votes from three organisations; the newest is a duplicate. */
async function boardWithFiftyClaims(world: World) {
  const editor = await world.editor();
  const reviewers: Member[] = [];
  for (const organization of ['Factcheck.kz', 'Vlast.kz', 'Desk']) reviewers.push(await world.reviewer(organization));
  const eventId = await world.openEvent(editor);
  const claimIds: string[] = [];
  for (let i = 0; i < 50; i++) {
    const claimId = await world.submitClaim(reviewers[i % 3], eventId, `Claim number ${i} about ATMs in Almaty`);
    claimIds.push(claimId);
    if (i === 49) break;
    for (const stance of ['SUPPORTS', 'REFUTES']) {
      ok(await reviewers[0].api.op('AddEvidence', { input: { claimId, stance, url: `https://example.org/${i}/${stance}` } }));
    }
    for (const [r, reviewer] of reviewers.entries()) await world.vote(reviewer, claimId, ratings[(i + r) % ratings.length]);
  }
  ok(await editor.api.op('MarkDuplicate', { input: { claimId: claimIds[49], duplicateOfId: claimIds[0] } }));
  return { eventId, reader: reviewers[1] };
}

test('EventBoard costs the same number of SQL statements for 5, 20 and 50 claims', async () => {
  const world = await World.create(server.url);
  const { eventId, reader } = await boardWithFiftyClaims(world);
  const statements: Record<string, number[]> = { anonymous: [], member: [] };
  for (const first of [5, 20, 50]) {
    for (const [who, api] of [['anonymous', world.anonymous], ['member', reader.api]] as const) {
      const response = await api.op('EventBoard', { id: eventId, first });
      const board = ok(response);
      expect(board.event.claims.edges).toHaveLength(first);
      statements[who].push(Number(response.headers.get('x-sql-statements')));
    }
  }
  console.log(`EventBoard SQL statements for 5, 20, 50 claims: ${JSON.stringify(statements)}`);
  for (const counts of Object.values(statements)) {
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBeLessThanOrEqual(15);
  }
});
