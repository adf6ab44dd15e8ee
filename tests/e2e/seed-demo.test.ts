import { demoClaims, demoEvent, demoReviewers } from '../../src/demo/demo-data';
import { DemoSeedResult, seedDemo } from '../../src/demo/seed-demo';
import { ApiClient, ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';

interface BoardClaim {
  id: string;
  statement: string;
  language: string;
  verdict: { status: string; rating: string | null };
  votes: { edges: { node: { reviewer: { organization: string | null } | null } }[] };
}

async function boardClaims(api: ApiClient, eventId: string): Promise<{ totalCount: number; nodes: BoardClaim[]; event: any }> {
  const { event } = ok(await api.op('EventBoard', { id: eventId, first: 50 }));
  return { totalCount: event.claims.totalCount, nodes: event.claims.edges.map((edge: { node: BoardClaim }) => edge.node), event };
}

async function logIn(url: string, email: string, password: string): Promise<ApiClient> {
  const { logIn } = ok(await new ApiClient(url).op('LogIn', { input: { email, password } }));
  return new ApiClient(url, logIn.token);
}

const expectedStatuses = new Map(demoClaims.map((claim) => [claim.statement, claim.expectedStatus as string]));

describe('the demo seed on an empty database', () => {
  let server: TestServer;
  let seeded: DemoSeedResult;
  let anonymous: ApiClient;
  let editor: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    seeded = await seedDemo(server.server.app);
    anonymous = new ApiClient(server.url);
    editor = await logIn(server.url, seeded.editorEmail, seeded.password!);
  });
  afterAll(() => server?.stop());

  test('every claim gets the status the demo data means it to have', async () => {
    expect(seeded).toMatchObject({ skipped: false, adminBootstrapped: false });
    const { totalCount, nodes, event } = await boardClaims(anonymous, seeded.eventId);
    expect(event).toMatchObject({ title: demoEvent.title, region: 'Kazakhstan', startedAt: '2022-01-02T00:00:00.000Z' });
    expect(totalCount).toBe(12);
    expect(new Map(nodes.map((claim) => [claim.statement, claim.verdict.status]))).toEqual(expectedStatuses);
    const count = (status: string) => nodes.filter((claim) => claim.verdict.status === status).length;
    expect(count('CONSENSUS')).toBeGreaterThanOrEqual(1);
    expect(count('CONTESTED')).toBeGreaterThanOrEqual(1);
    expect(count('IN_REVIEW')).toBeGreaterThanOrEqual(1);
    expect(count('UNVERIFIED')).toBe(1);
    expect(count('PUBLISHED')).toBe(1);
    expect(event.stats.byStatus).toContainEqual({ status: 'PUBLISHED', count: 1 });
    expect(seeded.claims.map((claim) => claim.status)).toEqual(demoClaims.map((claim) => claim.expectedStatus));
  });

  test('the one published verdict, by the editor, has a ClaimReview', async () => {
    const { nodes } = await boardClaims(anonymous, seeded.eventId);
    const published = nodes.find((claim) => claim.verdict.status === 'PUBLISHED')!;
    const { claim } = ok(await anonymous.op('ClaimDetail', { id: published.id }));
    expect(claim.statement).toBe('Russian troops have invaded Kazakhstan.');
    expect(claim.verdict).toMatchObject({ rating: 'FALSE', summary: demoClaims[0].publishSummary });
    expect(claim.claimReview).toMatchObject({
      '@type': 'ClaimReview',
      claimReviewed: claim.statement,
      reviewBody: demoClaims[0].publishSummary,
      reviewRating: { ratingValue: 1, alternateName: 'False' },
    });
    const { claim: asEditor } = ok(await editor.query(`query ($id: ID!) { claim(id: $id) { verdict { publishedBy { displayName } } } }`, { id: published.id }));
    expect(asEditor.verdict.publishedBy.displayName).toBe(demoReviewers.editor.displayName);
  });

  test('votes come from three organisations, shown to a signed-in reviewer only', async () => {
    const organizations = (nodes: BoardClaim[]) =>
      new Set(nodes.flatMap((claim) => claim.votes.edges.map((edge) => edge.node.reviewer?.organization ?? null)));
    const signedIn = organizations((await boardClaims(editor, seeded.eventId)).nodes);
    expect(signedIn).toEqual(new Set(['Factcheck.kz', 'Vlast.kz', demoReviewers.olga.organization]));
    expect(organizations((await boardClaims(anonymous, seeded.eventId)).nodes)).toEqual(new Set([null]));
  });

  test('a Russian full-text search for "банкомат" finds the Russian ATM claim', async () => {
    const { claims } = ok(await anonymous.op('Claims', { filter: { search: 'банкомат', eventId: seeded.eventId } }));
    expect(claims.edges.map((edge: { node: BoardClaim }) => [edge.node.statement, edge.node.language])).toEqual([
      ['В Алматы разграблены банкоматы.', 'ru'],
    ]);
  });

  test('a second run finds the demo event and creates nothing', async () => {
    const again = await seedDemo(server.server.app);
    expect(again).toMatchObject({ skipped: true, eventId: seeded.eventId, claims: [], password: null });
    expect((await boardClaims(anonymous, seeded.eventId)).totalCount).toBe(12);
    const { events } = ok(await anonymous.op('Events', { first: 50 }));
    expect(events.totalCount).toBe(1);
  });
});

describe('the demo seed on a database that already has accounts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  test('creates the demo admin by the documented bootstrap and leaves the first admin alone', async () => {
    const api = new ApiClient(server.url);
    const owner = ok(await api.op('SignUp', { input: { email: 'owner@example.org', password: 'correct horse battery', displayName: 'Owner' } }));
    expect(owner.signUp.reviewer.role).toBe('ADMIN');

    const seeded = await seedDemo(server.server.app);
    expect(seeded.adminBootstrapped).toBe(true);
    expect(seeded.claims.map((claim) => claim.status)).toEqual(demoClaims.map((claim) => claim.expectedStatus));

    const { logIn: demoAdmin } = ok(await api.op('LogIn', { input: { email: seeded.adminEmail, password: seeded.password } }));
    expect(demoAdmin.reviewer.role).toBe('ADMIN');
    const { logIn: demoEditor } = ok(await api.op('LogIn', { input: { email: seeded.editorEmail, password: seeded.password } }));
    expect(demoEditor.reviewer.role).toBe('EDITOR');
    const { viewer } = ok(await api.as(owner.signUp.token).op('Viewer'));
    expect(viewer.role).toBe('ADMIN');
  });
});
