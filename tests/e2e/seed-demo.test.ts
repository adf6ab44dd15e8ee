import { demoAdmin, demoClaims, demoEvent, demoOrganizations, demoReviewers, demoSuspension } from '../../src/demo/demo-data';
import { bootstrapAdminIn, DemoSeedError, DemoSeedResult, seedDemo } from '../../src/demo/seed-demo';
import { ApiClient, errorCode, ok } from '../support/client';
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

/** The statements of the claims a demo reviewer voted on. */
const votedOnBy = (key: string) => demoClaims.filter((claim) => claim.votes.some((vote) => vote.by === key)).map((claim) => claim.statement);

async function claimIdOf(api: ApiClient, eventId: string, statement: string): Promise<string> {
  return (await boardClaims(api, eventId)).nodes.find((claim) => claim.statement === statement)!.id;
}

interface LoggedActivity {
  type: string;
  reason: string | null;
  claim: { id: string } | null;
}

/** The newest entry of the event's activity log, read page by page. */
async function lastActivity(api: ApiClient, eventId: string): Promise<LoggedActivity> {
  const query = `query ($eventId: ID!, $after: String) {
    activity(eventId: $eventId, after: $after, first: 100) {
      pageInfo { hasNextPage endCursor }
      edges { node { type reason claim { id } } }
    }
  }`;
  let after: string | null = null;
  for (;;) {
    const { activity }: { activity: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: LoggedActivity }[] } } = ok(
      await api.query(query, { eventId, after }),
    );
    if (!activity.pageInfo.hasNextPage) return activity.edges.at(-1)!.node;
    after = activity.pageInfo.endCursor;
  }
}

describe('the demo seed on an empty database', () => {
  let server: TestServer;
  let seeded: DemoSeedResult;
  let anonymous: ApiClient;
  let editor: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    seeded = await seedDemo(server.url);
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

  test('three verified organisations and one unverified, each with its ACTIVE members', async () => {
    const { organizations } = ok(await anonymous.op('Organizations', { first: 10 }));
    expect(organizations.totalCount).toBe(4);
    const byName = Object.fromEntries(organizations.edges.map(({ node }: { node: { name: string } }) => [node.name, node]));
    expect(byName).toEqual({
      'Factcheck.kz': expect.objectContaining({ verified: true, url: 'https://factcheck.kz', memberCount: 3 }),
      'Vlast.kz': expect.objectContaining({ verified: true, memberCount: 2 }),
      [demoOrganizations.eurasia.name]: expect.objectContaining({ verified: true, memberCount: 2 }),
      [demoOrganizations.aktau.name]: expect.objectContaining({ verified: false, memberCount: 1 }),
    });
    expect(ok(await anonymous.op('Organizations', { verified: false })).organizations.totalCount).toBe(1);
  });

  test("votes come from four organisations, the suspended reviewer's from none, shown to a signed-in reviewer only", async () => {
    const organizations = (nodes: BoardClaim[]) =>
      new Set(nodes.flatMap((claim) => claim.votes.edges.map((edge) => edge.node.reviewer?.organization ?? null)));
    const signedIn = organizations((await boardClaims(editor, seeded.eventId)).nodes);
    expect(signedIn).toEqual(new Set([...Object.values(demoOrganizations).map((organization) => organization.name), null]));
    expect(organizations((await boardClaims(anonymous, seeded.eventId)).nodes)).toEqual(new Set([null]));
  });

  test("the suspended reviewer's membership is SUSPENDED; their vote is listed but does not count", async () => {
    const suspended = demoReviewers[demoSuspension.member];
    const { viewer } = ok(await (await logIn(server.url, suspended.email, seeded.password!)).op('ViewerMembership'));
    expect(viewer).toMatchObject({ role: 'REVIEWER', organization: null, membership: { status: 'SUSPENDED', organization: { name: 'Factcheck.kz' } } });
    const factcheck = viewer.membership.organization.id;
    const { node } = ok(await editor.op('OrganizationMembers', { id: factcheck, status: 'SUSPENDED' }));
    expect(node.memberships.edges.map(({ node }: { node: { reviewer: { displayName: string } } }) => node.reviewer.displayName)).toEqual([suspended.displayName]);

    const [statement] = votedOnBy(demoSuspension.member);
    const claimId = await claimIdOf(anonymous, seeded.eventId, statement);
    const { claim } = ok(await editor.op('ClaimDetail', { id: claimId }));
    expect(claim.votes.edges.map(({ node }: { node: { reviewer: { displayName: string } } }) => node.reviewer.displayName)).toContain(suspended.displayName);
    const trust = ok(await anonymous.op('ClaimTrust', { id: claimId })).claim.verdict;
    expect(trust).toMatchObject({ status: 'IN_REVIEW', voteCount: claim.votes.totalCount - 1 });
    expect(trust.explanation).toBe('2 of 3 votes: below quorum. 1 vote does not count.');
    const statuses = claim.history.edges.map(({ node }: { node: { verdict: { status: string } } }) => node.verdict.status);
    expect(statuses.slice(-2)).toEqual(['CONSENSUS', 'IN_REVIEW']);
    expect(await lastActivity(anonymous, seeded.eventId)).toEqual({
      type: 'VERDICT_CHANGED',
      claim: { id: claimId },
      reason: expect.stringContaining(demoSuspension.reason),
    });
  });

  test('two of three agree on a claim, but one of them is from the unverified organisation: CONTESTED', async () => {
    const [statement] = votedOnBy('bauyrzhan');
    const claimId = await claimIdOf(anonymous, seeded.eventId, statement);
    const trust = ok(await anonymous.op('ClaimTrust', { id: claimId })).claim.verdict;
    expect(trust).toMatchObject({ status: 'CONTESTED', rating: 'MOSTLY_TRUE', voteCount: 3, organizationCount: 1 });
    expect(trust.explanation).toMatch(/but 1 of 2 verified organisations\.$/);
  });

  test('a Russian full-text search for "банкомат" finds the Russian ATM claim', async () => {
    const { claims } = ok(await anonymous.op('Claims', { filter: { search: 'банкомат', eventId: seeded.eventId } }));
    expect(claims.edges.map((edge: { node: BoardClaim }) => [edge.node.statement, edge.node.language])).toEqual([
      ['В Алматы разграблены банкоматы.', 'ru'],
    ]);
  });

  test('a second run finds the demo event and creates nothing', async () => {
    const again = await seedDemo(server.url);
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

    const seeded = await seedDemo(server.url, { bootstrapAdmin: bootstrapAdminIn(server.server.app.dataSource) });
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

describe('the demo seed through the API alone, on a database that already has accounts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  test('stops after the demo admin signs up as an OBSERVER, before making an organisation or an event', async () => {
    const api = new ApiClient(server.url);
    const owner = api.as(ok(await api.op('SignUp', { input: { email: 'owner@example.org', password: 'correct horse battery', displayName: 'Owner' } })).signUp.token);
    const refusal = seedDemo(server.url, { password: 'a demo password' });
    await expect(refusal).rejects.toThrow(DemoSeedError);
    await expect(refusal).rejects.toThrow(`The server's database already has accounts, so the demo admin ${demoAdmin.email} signed up as an OBSERVER`);
    expect(ok(await owner.op('Organizations')).organizations.totalCount).toBe(0);
    expect(ok(await owner.op('Events', { first: 50 })).events.totalCount).toBe(0);
  });
});

describe('the demo seed on a database with an organisation of a demo name', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  test('stops before writing anything, so no demo account joins a real newsroom', async () => {
    const api = new ApiClient(server.url);
    const owner = api.as(ok(await api.op('SignUp', { input: { email: 'owner@example.org', password: 'correct horse battery', displayName: 'Owner' } })).signUp.token);
    ok(await owner.op('CreateOrganization', { input: { name: ' vlast.KZ ' } }));

    const refusal = seedDemo(server.url, { password: 'a demo password' });
    await expect(refusal).rejects.toThrow(DemoSeedError);
    await expect(refusal).rejects.toThrow('The organisation "vlast.KZ" already exists, and the demo accounts would join it.');
    expect(ok(await owner.op('Organizations')).organizations.totalCount).toBe(1);
    expect(ok(await owner.op('Events', { first: 50 })).events.totalCount).toBe(0);
    expect(errorCode(await api.op('LogIn', { input: { email: demoAdmin.email, password: 'a demo password' } }))).toBe('UNAUTHENTICATED');
  });
});
