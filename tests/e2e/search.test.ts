import { ApiClient, errorCode, ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

interface Match {
  score: number;
  claim: { id: string; statement: string };
}

async function similarClaims(api: ApiClient, text: string, eventId?: string, first?: number): Promise<Match[]> {
  return ok(await api.op('SimilarClaims', { text, eventId, first })).similarClaims;
}

async function submit(member: Member, eventId: string, statement: string, extra: Record<string, unknown> = {}) {
  return ok(await member.api.op('SubmitClaim', { input: { eventId, statement, ...extra } })).submitClaim as {
    claim: { id: string };
    similar: Match[];
  };
}

/** The ids of the claims that a full-text search (and other filters) finds, in list order. */
async function search(api: ApiClient, filter: Record<string, unknown>): Promise<string[]> {
  const claims = ok(await api.op('Claims', { first: 100, filter })).claims;
  expect(claims.totalCount).toBe(claims.edges.length);
  return claims.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

function expectRanked(matches: Match[]): void {
  for (const { score } of matches) {
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThanOrEqual(1);
  }
  const scores = matches.map((match) => match.score);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
}

describe('similarClaims', () => {
  test('finds claims that read like the text by trigram similarity, best first, within the event', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const otherEventId = await world.openEvent(editor, {}, 'Floods in Atyrau');
    const exact = await world.submitClaim(editor, eventId, 'All banks in Almaty are closed until Monday');
    const close = await world.submitClaim(editor, eventId, 'Banks in Almaty closed until Monday, says the central bank');
    const unrelated = await world.submitClaim(editor, eventId, 'Internet access was cut across the whole country');
    const elsewhere = await world.submitClaim(editor, otherEventId, 'All banks in Almaty are closed until Monday');

    const matches = await similarClaims(editor.api, 'All banks in Almaty are closed until Monday', eventId);
    expectRanked(matches);
    expect(matches.map((match) => match.claim.id)).toEqual([exact, close]);
    expect(matches[0].score).toBe(1);
    expect(matches[1].score).toBeLessThan(1);

    const everywhere = await similarClaims(editor.api, 'All banks in Almaty are closed until Monday', undefined, 50);
    expectRanked(everywhere);
    const found = everywhere.map((match) => match.claim.id);
    expect(found).toEqual(expect.arrayContaining([exact, close, elsewhere]));
    expect(found).not.toContain(unrelated);

    expect((await similarClaims(editor.api, 'All banks in Almaty are closed until Monday', eventId, 1)).map((m) => m.claim.id)).toEqual([
      exact,
    ]);
    expect(await similarClaims(world.anonymous, 'Volcano erupts near Shymkent', eventId)).toEqual([]);
  });

  test('submitClaim lists the claims of the same event that read like the new one, never the new one itself', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const reviewer = await world.reviewer('Factcheck.kz');
    const eventId = await world.openEvent(editor);
    const otherEventId = await world.openEvent(editor, {}, 'Floods in Atyrau');
    const elsewhere = await submit(editor, otherEventId, 'Protesters stormed the akimat building in Almaty');

    const first = await submit(editor, eventId, 'Protesters stormed the akimat building in Almaty');
    expect(first.similar).toEqual([]);
    const unrelated = await submit(reviewer, eventId, 'Fuel price for liquefied gas doubled overnight');
    expect(unrelated.similar).toEqual([]);

    const second = await submit(reviewer, eventId, 'Protesters have stormed the Almaty akimat building');
    expect(second.similar.map((match) => match.claim)).toEqual([
      { id: first.claim.id, statement: 'Protesters stormed the akimat building in Almaty' },
    ]);
    expectRanked(second.similar);

    const third = await submit(editor, eventId, 'Protesters stormed the akimat building in Almaty today');
    expectRanked(third.similar);
    const ids = third.similar.map((match) => match.claim.id);
    expect(ids).toEqual([first.claim.id, second.claim.id]);
    expect(ids).not.toContain(third.claim.id);
    expect(ids).not.toContain(elsewhere.claim.id);
    expect(ids).not.toContain(unrelated.claim.id);
  });

  test('refuses a blank text and a page above its limit', async () => {
    const world = await World.create(server.url);
    expect(errorCode(await world.anonymous.op('SimilarClaims', { text: '   ' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await world.anonymous.op('SimilarClaims', { text: 'banks', first: 1000 }))).toBe('BAD_USER_INPUT');
  });
});

describe('ClaimFilter.search', () => {
  test('finds Russian claims by another form of a word', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const atms = await world.submitClaim(editor, eventId, 'Банкоматы разграблены в Алматы', { language: 'ru' });
    const internet = await world.submitClaim(editor, eventId, 'В Алматы отключили мобильный интернет', { language: 'ru' });
    const inContext = await world.submitClaim(editor, eventId, 'Видео с площади Республики', {
      language: 'ru',
      context: 'Очевидцы пишут, что у банкомата стреляли',
    });

    expect(await search(editor.api, { eventId, search: 'банкомат' })).toEqual(expect.arrayContaining([atms, inContext]));
    expect(await search(editor.api, { eventId, search: 'банкомат' })).toHaveLength(2);
    expect(await search(editor.api, { eventId, search: 'банкоматов' })).toHaveLength(2);
    expect(await search(editor.api, { eventId, search: 'Интернета' })).toEqual([internet]);
    expect(await search(editor.api, { eventId, search: 'алматы' })).toEqual(expect.arrayContaining([atms, internet]));
    // No claim holds both words; each of these resembles half of the search (search-ranking.test.ts).
    expect((await search(editor.api, { eventId, search: 'банкомат интернет' })).sort()).toEqual([atms, internet].sort());
    expect(await search(editor.api, { eventId, search: 'землетрясение' })).toEqual([]);
  });

  test('finds English claims by the stem of a word', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const looted = await world.submitClaim(editor, eventId, 'Protesters looted ATMs in Almaty', { language: 'en' });
    const airport = await world.submitClaim(editor, eventId, 'The airport was seized by armed men', {
      language: 'en',
      context: 'Looting was reported in the terminal',
    });

    for (const word of ['loot', 'looting', 'looted']) {
      expect((await search(editor.api, { eventId, search: word })).sort()).toEqual([looted, airport].sort());
    }
    expect(await search(editor.api, { eventId, search: 'protester' })).toEqual([looted]);
    expect(await search(editor.api, { eventId, search: 'seizing airports' })).toEqual([airport]);
    expect(await search(editor.api, { eventId, search: 'earthquake' })).toEqual([]);
  });

  test('finds Kazakh claims word by word', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const kazakh = await world.submitClaim(editor, eventId, 'Алматыда банкоматтар тоналды', { language: 'kk' });
    const other = await world.submitClaim(editor, eventId, 'Әуежай басып алынды', { language: 'kk' });

    expect(await search(editor.api, { eventId, search: 'банкоматтар' })).toEqual([kazakh]);
    expect(await search(editor.api, { eventId, search: 'тоналды Алматыда' })).toEqual([kazakh]);
    expect(await search(editor.api, { eventId, search: 'әуежай' })).toEqual([other]);
    expect((await search(editor.api, { eventId, search: 'тоналды әуежай' })).sort()).toEqual([kazakh, other].sort());
    expect(await search(editor.api, { eventId, search: 'жер сілкінісі' })).toEqual([]);
  });

  test('combines with the event, status and rating filters', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 1 });
    const otherEventId = await world.openEvent(editor, { quorum: 1 }, 'Floods in Atyrau');
    const agreedFalse = await world.submitClaim(editor, eventId, 'Banks confiscate savings accounts');
    await world.vote(editor, agreedFalse, 'FALSE');
    const agreedTrue = await world.submitClaim(editor, eventId, 'Banks reopen on Monday');
    await world.vote(editor, agreedTrue, 'TRUE');
    const unverified = await world.submitClaim(editor, eventId, 'Banks run out of cash');
    const elsewhere = await world.submitClaim(editor, otherEventId, 'Banks in Atyrau are flooded');
    await world.submitClaim(editor, eventId, 'Schools switch to remote learning');

    expect((await search(editor.api, { eventId, search: 'bank' })).sort()).toEqual([agreedFalse, agreedTrue, unverified].sort());
    expect(await search(editor.api, { eventId, search: 'bank', status: ['UNVERIFIED'] })).toEqual([unverified]);
    expect((await search(editor.api, { eventId, search: 'bank', status: ['CONSENSUS'] })).sort()).toEqual(
      [agreedFalse, agreedTrue].sort(),
    );
    expect(await search(editor.api, { eventId, search: 'bank', rating: ['FALSE', 'MOSTLY_FALSE'] })).toEqual([agreedFalse]);
    expect(await search(editor.api, { eventId, search: 'bank', status: ['CONSENSUS'], rating: ['MIXED'] })).toEqual([]);
    expect(await search(editor.api, { eventId: otherEventId, search: 'banks' })).toEqual([elsewhere]);
    expect(await search(editor.api, { search: 'banks' })).toEqual(expect.arrayContaining([agreedFalse, agreedTrue, unverified, elsewhere]));

    const board = ok(
      await editor.api.op('EventBoard', { id: eventId, filter: { search: 'banks', status: ['CONSENSUS'] } }),
    ).event.claims;
    expect(board.totalCount).toBe(2);
    expect(board.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual([agreedFalse, agreedTrue].sort());
  });
});
