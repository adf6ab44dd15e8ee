import { ApiClient, errorCode, ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

interface ClaimsPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string } }[];
}

async function claims(api: ApiClient, variables: Record<string, unknown>): Promise<ClaimsPage> {
  return ok(await api.op('Claims', variables)).claims;
}

/** The ids a search finds, in list order (all of them, on one page). */
async function found(api: ApiClient, filter: Record<string, unknown>, orderBy?: string): Promise<string[]> {
  const page = await claims(api, { first: 100, filter, orderBy });
  expect(page.totalCount).toBe(page.edges.length);
  return page.edges.map((edge) => edge.node.id);
}

describe('ClaimFilter.search finds what a reviewer means', () => {
  test('other forms of a word, in Russian, Kazakh and English, and nothing unrelated', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const atms = await world.submitClaim(editor, eventId, 'В Алматы разграблены банкоматы.', { language: 'ru' });
    const invaded = await world.submitClaim(editor, eventId, 'Russian troops have invaded Kazakhstan.', { language: 'en' });
    const kazakh = await world.submitClaim(editor, eventId, 'Алматыда банкоматтар тоналды', { language: 'kk' });
    const curfew = await world.submitClaim(editor, eventId, 'Во всём Казахстане введены комендантский час и режим ЧП.', { language: 'ru' });
    const talks = await world.submitClaim(editor, eventId, 'In the west of Kazakhstan, protesters and the authorities are in dialogue.', {
      language: 'en',
    });
    const protests = await world.submitClaim(editor, eventId, 'Елдің батысында бейбіт наразылық акциялары жалғасып жатыр.', { language: 'kk' });

    const looted = await found(editor.api, { eventId, search: 'разграбили банкоматы' });
    expect(looted[0]).toBe(atms);
    for (const unrelated of [invaded, curfew, talks, protests]) expect(looted).not.toContain(unrelated);
    expect(await found(editor.api, { eventId, search: 'invasion' })).toEqual([invaded]);
    expect(await found(editor.api, { eventId, search: 'Алматы' })).toEqual([atms, kazakh]);
    expect(await found(editor.api, { eventId, search: 'Алматыда' })).toEqual([kazakh, atms]);
    expect(await found(editor.api, { eventId, search: 'наразылықтар' })).toEqual([protests]);
    expect(await found(editor.api, { eventId, search: 'комендантского часа' })).toEqual([curfew]);
    for (const unrelated of ['землетрясение', 'earthquake in Shymkent', 'жер сілкінісі', 'weather forecast']) {
      expect(await found(editor.api, { eventId, search: unrelated })).toEqual([]);
    }
  });

  test('full-text matches come before resemblances, whichever is newer, in either order', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 1 });
    const said = await world.submitClaim(editor, eventId, 'There was no invasion, says the ministry of defence.');
    const invaded = await world.submitClaim(editor, eventId, 'Russian troops have invaded Kazakhstan.');
    const saidKazakh = await world.submitClaim(editor, eventId, 'Алматыда банкоматтар тоналды', { language: 'kk' });
    const resembling = await world.submitClaim(editor, eventId, 'В Алматы разграблены банкоматы.', { language: 'ru' });

    expect(await found(editor.api, { eventId, search: 'invasion' })).toEqual([said, invaded]);
    expect(await found(editor.api, { eventId, search: 'Алматыда' })).toEqual([saidKazakh, resembling]);
    await world.vote(editor, invaded, 'FALSE');
    await world.vote(editor, resembling, 'FALSE');
    await world.vote(editor, said, 'TRUE');
    expect(await found(editor.api, { eventId, search: 'invasion' }, 'RECENTLY_UPDATED')).toEqual([said, invaded]);
    expect(await found(editor.api, { eventId, search: 'Алматыда' }, 'RECENTLY_UPDATED')).toEqual([saidKazakh, resembling]);
    expect(await found(editor.api, { eventId, search: 'invasion', status: ['CONSENSUS'], rating: ['FALSE'] })).toEqual([invaded]);
  });

  test('paging through a ranked search returns each claim exactly once, in the one-page order', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const submitted: string[] = [];
    for (let i = 1; i <= 5; i++) {
      submitted.push(await world.submitClaim(editor, eventId, `Дүкен ${i} Алматыда тоналды`, { language: 'kk' }));
      submitted.push(await world.submitClaim(editor, eventId, `В Алматы разграблен магазин ${i}`, { language: 'ru' }));
      await world.submitClaim(editor, eventId, `Internet access in region ${i} was cut`);
    }

    const whole = await found(editor.api, { eventId, search: 'Алматыда' });
    // Newest first within each group: the Kazakh statements say it word for word, the Russian ones resemble it.
    const saidNewestFirst = submitted.filter((_, i) => i % 2 === 0).reverse();
    const resemblingNewestFirst = submitted.filter((_, i) => i % 2 === 1).reverse();
    expect(whole).toEqual([...saidNewestFirst, ...resemblingNewestFirst]);
    for (const first of [1, 2, 3, 4]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: ClaimsPage = await claims(editor.api, { first, after, filter: { eventId, search: 'Алматыда' } });
        expect(page.totalCount).toBe(whole.length);
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) break;
        expect(page.edges.at(-1)!.cursor).toBe(page.pageInfo.endCursor);
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(whole);
    }
  });

  test('resemblances come closest first, whichever is newer, and paging one by one across the groups returns each claim once', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    // Word similarity to "invasion": a misspelling shares 6 of its 9 trigrams, "invaded" 4.
    const misspelt = await world.submitClaim(editor, eventId, 'Reports of an invasian from the north');
    const invadedOlder = await world.submitClaim(editor, eventId, 'Russian troops have invaded Kazakhstan.');
    const saidOlder = await world.submitClaim(editor, eventId, 'There was no invasion, says the ministry of defence.');
    const invadedNewer = await world.submitClaim(editor, eventId, 'Troops invaded the airport');
    const saidNewer = await world.submitClaim(editor, eventId, 'Invasion rumours denied by the army');
    await world.submitClaim(editor, eventId, 'Internet access in the region was cut');

    // Word for word first, newest first; then the closest resemblance, though the oldest; equally close ones newest first.
    const whole = await found(editor.api, { eventId, search: 'invasion' });
    expect(whole).toEqual([saidNewer, saidOlder, misspelt, invadedNewer, invadedOlder]);
    for (const first of [1, 2]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: ClaimsPage = await claims(editor.api, { first, after, filter: { eventId, search: 'invasion' } });
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect({ first, seen }).toEqual({ first, seen: whole });
    }
  });

  test('a cursor of an unsearched list does not page a searched one', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    await world.submitClaim(editor, eventId, 'Shops in Almaty were looted');
    await world.submitClaim(editor, eventId, 'Looting in Almaty');
    const unsearched = await claims(editor.api, { first: 1, filter: { eventId } });
    const result = await editor.api.op('Claims', { first: 1, after: unsearched.pageInfo.endCursor, filter: { eventId, search: 'looting' } });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
  });
});
