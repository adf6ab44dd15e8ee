import { decodeCursor } from '../../src/domain/cursor';
import { ListOrders } from '../../src/services/list-orders';
import { ApiClient, errorCode, GraphQLResponse, ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

interface Page {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: any }[];
}

/**
 * Walks a connection from the start with pages of `size`, checking each page's pageInfo;
 * returns every edge in the order served.
 */
async function walk(size: number, fetchPage: (first: number, after: string | null) => Promise<Page>) {
  const edges: Page['edges'] = [];
  const totalCounts = new Set<number | undefined>();
  let after: string | null = null;
  for (;;) {
    const page: Page = await fetchPage(size, after);
    totalCounts.add(page.totalCount);
    expect(page.edges.length).toBeLessThanOrEqual(size);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    edges.push(...page.edges);
    if (!page.pageInfo.hasNextPage) break;
    expect(page.edges).toHaveLength(size);
    after = page.pageInfo.endCursor;
  }
  expect(totalCounts.size).toBe(1);
  const ids = edges.map((edge) => edge.node.id ?? edge.cursor);
  expect(new Set(ids).size).toBe(ids.length);
  return { edges, totalCount: [...totalCounts][0] };
}

/** A log cursor's position: white-box, to show that the positions run without a gap. */
const positionOf = (cursor: string) => decodeCursor(ListOrders.activity.kind, cursor, ListOrders.activity.shape)[1];

const ids = (edges: { node: { id: string } }[]) => edges.map((edge) => edge.node.id);

/** Asserts the values never go up (newest first) or never go down (oldest first). */
function expectOrdered(values: string[], direction: 'newest first' | 'oldest first'): void {
  const times = values.map((value) => Date.parse(value));
  const sorted = [...times].sort((a, b) => (direction === 'newest first' ? b - a : a - b));
  expect(times).toEqual(sorted);
}

const EventsWithDates = /* GraphQL */ `
  query EventsWithDates($first: Int, $after: String, $status: EventStatus) {
    events(first: $first, after: $after, status: $status) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id createdAt } }
    }
  }
`;

const ClaimEvidence = /* GraphQL */ `
  query ClaimEvidence($id: ID!, $first: Int, $after: String, $stance: Stance) {
    claim(id: $id) {
      evidence(first: $first, after: $after, stance: $stance) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id stance createdAt claim { id } } }
      }
    }
  }
`;

const ClaimVotes = /* GraphQL */ `
  query ClaimVotes($id: ID!, $first: Int, $after: String) {
    claim(id: $id) {
      votes(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id rating createdAt reviewer { id } claim { id } } }
      }
    }
  }
`;

const ClaimHistory = /* GraphQL */ `
  query ClaimHistory($id: ID!, $first: Int) {
    claim(id: $id) {
      history(first: $first) { totalCount }
    }
  }
`;

const EventClaims = /* GraphQL */ `
  query EventClaims($id: ID!, $first: Int, $after: String, $orderBy: ClaimOrder) {
    event(id: $id) {
      claims(first: $first, after: $after, orderBy: $orderBy) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id createdAt verdict { updatedAt } } }
      }
    }
  }
`;

async function reviewers(world: World, count: number): Promise<Member[]> {
  const members: Member[] = [];
  for (let i = 0; i < count; i++) members.push(await world.reviewer(`Newsroom ${i}`));
  return members;
}

async function addEvidence(member: Member, claimId: string, stance: string, title: string): Promise<string> {
  return ok(await member.api.op('AddEvidence', { input: { claimId, stance, title } })).addEvidence.evidence.id;
}

describe('events', () => {
  test('first/after walks every event exactly once, newest first', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const opened: string[] = [];
    for (let i = 0; i < 7; i++) opened.push(await world.openEvent(editor, {}, `Event ${i} of the events walk`));
    for (const eventId of opened.slice(0, 2)) ok(await editor.api.op('CloseEvent', { input: { eventId } }));

    const walked = await walk(3, async (first, after) => ok(await world.anonymous.op('Events', { first, after })).events);
    expect(walked.totalCount).toBe(walked.edges.length);
    expect(ids(walked.edges)).toEqual(expect.arrayContaining(opened));

    const onePage = ok(await world.anonymous.query(EventsWithDates, { first: 100 })).events;
    expect(onePage.pageInfo.hasNextPage).toBe(false);
    expect(ids(onePage.edges)).toEqual(ids(walked.edges));
    expectOrdered(onePage.edges.map((edge: { node: { createdAt: string } }) => edge.node.createdAt), 'newest first');

    const closed = await walk(1, async (first, after) =>
      ok(await world.anonymous.op('Events', { first, after, status: 'CLOSED' })).events,
    );
    expect(closed.totalCount).toBe(closed.edges.length);
    expect(ids(closed.edges)).toEqual(expect.arrayContaining(opened.slice(0, 2)));
    expect(closed.edges.every((edge: { node: { status: string } }) => edge.node.status === 'CLOSED')).toBe(true);
    expect(ids(closed.edges)).toEqual(ids(walked.edges).filter((id) => ids(closed.edges).includes(id)));
  });

  test('first: 0 gives an empty page that still tells whether there is more', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    await world.openEvent(editor);
    const page = ok(await world.anonymous.op('Events', { first: 0 })).events;
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: null });
    expect(page.totalCount).toBeGreaterThanOrEqual(1);
  });
});

describe('claims', () => {
  test('first/after walks the claims of an event exactly once, for NEWEST and RECENTLY_UPDATED, on Query.claims and Event.claims', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 2 });
    const otherEventId = await world.openEvent(editor, {}, 'Another event');
    await world.submitClaim(editor, otherEventId, 'A claim of another event');
    const submitted: string[] = [];
    for (let i = 0; i < 8; i++) submitted.push(await world.submitClaim(editor, eventId, `Claim number ${i} about the unrest`));
    const [a, b] = await reviewers(world, 2);
    for (const claimId of [submitted[0], submitted[5], submitted[3]]) await world.vote(a, claimId, 'FALSE');
    await world.vote(b, submitted[5], 'FALSE');

    for (const orderBy of ['NEWEST', 'RECENTLY_UPDATED'] as const) {
      const timeOf = (node: { createdAt: string; verdict: { updatedAt: string } }) =>
        orderBy === 'NEWEST' ? node.createdAt : node.verdict.updatedAt;
      const onePage = ok(await editor.api.query(EventClaims, { id: eventId, first: 100, orderBy })).event.claims;
      expect(onePage.totalCount).toBe(8);
      expect(ids(onePage.edges).sort()).toEqual([...submitted].sort());
      expectOrdered(onePage.edges.map((edge: { node: never }) => timeOf(edge.node)), 'newest first');

      for (const size of [1, 3, 8]) {
        const viaQuery = await walk(size, async (first, after) =>
          ok(await world.anonymous.op('Claims', { first, after, orderBy, filter: { eventId } })).claims,
        );
        expect(viaQuery.totalCount).toBe(8);
        expect(ids(viaQuery.edges)).toEqual(ids(onePage.edges));
        const viaEvent = await walk(size, async (first, after) =>
          ok(await world.anonymous.op('EventBoard', { id: eventId, first, after, orderBy })).event.claims,
        );
        expect(viaEvent.totalCount).toBe(8);
        expect(ids(viaEvent.edges)).toEqual(ids(onePage.edges));
      }
    }
    const newest = ok(await editor.api.query(EventClaims, { id: eventId, first: 100, orderBy: 'NEWEST' })).event.claims;
    const recent = ok(await editor.api.query(EventClaims, { id: eventId, first: 100, orderBy: 'RECENTLY_UPDATED' })).event.claims;
    expect(ids(recent.edges)).not.toEqual(ids(newest.edges));

    // The board's count of all claims comes with its stats; a filtered count is the filter's.
    const unverified = ok(await world.anonymous.op('EventBoard', { id: eventId, first: 1, filter: { status: ['UNVERIFIED'] } })).event;
    expect(unverified.claims.totalCount).toBe(5);
    expect(unverified.stats.claimCount).toBe(8);
  });

  test('refuses a page above 100 and a cursor of another list', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'A claim to page through');
    await addEvidence(editor, claimId, 'SUPPORTS', 'A witness');
    await world.vote(editor, claimId, 'TRUE');
    const api = world.anonymous;

    const eventCursor = ok(await api.op('Events', { first: 1 })).events.pageInfo.endCursor;
    const newestCursor = ok(await api.op('Claims', { first: 1, filter: { eventId } })).claims.pageInfo.endCursor;
    const evidenceCursor = ok(await api.query(ClaimEvidence, { id: claimId, first: 1 })).claim.evidence.pageInfo.endCursor;
    const voteCursor = ok(await api.query(ClaimVotes, { id: claimId, first: 1 })).claim.votes.pageInfo.endCursor;
    const logCursor = ok(await api.op('ActivitySince', { eventId, first: 1 })).activity.pageInfo.endCursor;

    const refusals: [string, () => Promise<GraphQLResponse>][] = [
      ['events first 101', () => api.op('Events', { first: 101 })],
      ['events first -1', () => api.op('Events', { first: -1 })],
      ['claims first 101', () => api.op('Claims', { first: 101 })],
      ['event claims first 101', () => api.op('EventBoard', { id: eventId, first: 101 })],
      ['evidence first 101', () => api.query(ClaimEvidence, { id: claimId, first: 101 })],
      ['votes first 101', () => api.query(ClaimVotes, { id: claimId, first: 101 })],
      ['activity first 1001', () => api.op('ActivitySince', { eventId, first: 1001 })],
      ['history first 101', () => api.query(ClaimHistory, { id: claimId, first: 101 })],
      ['a claim cursor on events', () => api.op('Events', { after: newestCursor })],
      ['an event cursor on claims', () => api.op('Claims', { after: eventCursor })],
      ['an event cursor on an event board', () => api.op('EventBoard', { id: eventId, after: eventCursor })],
      ['a NEWEST cursor on RECENTLY_UPDATED', () => api.op('Claims', { after: newestCursor, orderBy: 'RECENTLY_UPDATED' })],
      ['a log cursor on claims', () => api.op('Claims', { after: logCursor })],
      ['a claim cursor on the log', () => api.op('ActivitySince', { eventId, after: newestCursor })],
      ['a vote cursor on evidence', () => api.query(ClaimEvidence, { id: claimId, first: 1, after: voteCursor })],
      ['an evidence cursor on votes', () => api.query(ClaimVotes, { id: claimId, first: 1, after: evidenceCursor })],
      ['a made-up cursor', () => api.op('Claims', { after: 'bm90LWEtY3Vyc29y' })],
      ['a malformed cursor', () => api.op('Events', { after: '{not base64}' })],
    ];
    for (const [what, send] of refusals) {
      expect([what, errorCode(await send())]).toEqual([what, 'BAD_USER_INPUT']);
    }
    ok(await api.op('Events', { first: 100 }));
    ok(await api.op('Claims', { first: 100, filter: { eventId } }));
  });
});

describe('evidence and votes of a claim', () => {
  test('pages of each claim hold its own items, oldest first, walked exactly once, optionally by stance', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 10 });
    const busy = await world.submitClaim(editor, eventId, 'Tear gas was used on Republic Square');
    const quiet = await world.submitClaim(editor, eventId, 'Trains to Almaty are cancelled');
    const stances = ['SUPPORTS', 'REFUTES', 'SUPPORTS', 'CONTEXT', 'SUPPORTS'];
    const busyEvidence: string[] = [];
    for (const [i, stance] of stances.entries()) busyEvidence.push(await addEvidence(editor, busy, stance, `Source ${i}`));
    const quietEvidence = [await addEvidence(editor, quiet, 'REFUTES', 'Timetable'), await addEvidence(editor, quiet, 'CONTEXT', 'Rail operator')];
    const voters = await reviewers(world, 5);
    for (const voter of voters) await world.vote(voter, busy, 'MOSTLY_TRUE');
    for (const voter of voters.slice(0, 2)) await world.vote(voter, quiet, 'FALSE');

    const board = ok(await world.anonymous.op('EventBoard', { id: eventId })).event.claims.edges.map(
      (edge: { node: any }) => edge.node,
    );
    const onBoard = (id: string) => board.find((node: { id: string }) => node.id === id);
    expect(onBoard(busy).evidence.totalCount).toBe(5);
    expect(onBoard(busy).evidence.edges).toHaveLength(3);
    expect(onBoard(busy).votes.totalCount).toBe(5);
    expect(onBoard(quiet).evidence.totalCount).toBe(2);
    expect(ids(onBoard(quiet).evidence.edges).sort()).toEqual([...quietEvidence].sort());
    expect(onBoard(quiet).votes.totalCount).toBe(2);

    const evidence = async (id: string, first: number, after: string | null, stance?: string) =>
      ok(await world.anonymous.query(ClaimEvidence, { id, first, after, stance })).claim.evidence;
    const votes = async (id: string, first: number, after: string | null) =>
      ok(await editor.api.query(ClaimVotes, { id, first, after })).claim.votes;
    const allEvidence = await evidence(busy, 100, null);
    expect(ids(allEvidence.edges).sort()).toEqual([...busyEvidence].sort());
    expect(ids(onBoard(busy).evidence.edges)).toEqual(ids(allEvidence.edges).slice(0, 3));
    expectOrdered(allEvidence.edges.map((edge: { node: { createdAt: string } }) => edge.node.createdAt), 'oldest first');
    const evidenceWalk = await walk(2, (first, after) => evidence(busy, first, after));
    expect(evidenceWalk.totalCount).toBe(5);
    expect(ids(evidenceWalk.edges)).toEqual(ids(allEvidence.edges));
    expect(evidenceWalk.edges.every((edge: { node: any }) => edge.node.claim.id === busy)).toBe(true);

    const supporting = await walk(2, (first, after) => evidence(busy, first, after, 'SUPPORTS'));
    expect(supporting.totalCount).toBe(3);
    expect(ids(supporting.edges)).toEqual(ids(allEvidence.edges).filter((_, i) => allEvidence.edges[i].node.stance === 'SUPPORTS'));
    const refuting = await walk(2, (first, after) => evidence(quiet, first, after, 'REFUTES'));
    expect(ids(refuting.edges)).toEqual([quietEvidence[0]]);

    // A re-vote replaces a vote in place: the list neither grows nor reorders.
    const votesBefore = ids((await votes(busy, 100, null)).edges);
    await world.vote(voters[0], busy, 'TRUE');
    const allVotes = await votes(busy, 100, null);
    expect(ids(allVotes.edges)).toEqual(votesBefore);
    expect(allVotes.edges.map((edge: { node: any }) => edge.node.reviewer.id).sort()).toEqual(voters.map((voter) => voter.id).sort());
    expectOrdered(allVotes.edges.map((edge: { node: { createdAt: string } }) => edge.node.createdAt), 'oldest first');
    expect(allVotes.edges.find((edge: { node: any }) => edge.node.reviewer.id === voters[0].id).node.rating).toBe('TRUE');
    for (const size of [1, 2, 5]) {
      const voteWalk = await walk(size, (first, after) => votes(busy, first, after));
      expect(voteWalk.totalCount).toBe(5);
      expect(ids(voteWalk.edges)).toEqual(ids(allVotes.edges));
    }
    const quietVotes = await walk(1, (first, after) => votes(quiet, first, after));
    expect(quietVotes.edges.map((edge: { node: any }) => edge.node.claim.id)).toEqual([quiet, quiet]);
  });
});

describe('the activity log', () => {
  test('Query.activity pages the log in order: consecutive positions, each page resuming right after the last', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const [a, b] = await reviewers(world, 2);
    const eventId = await world.openEvent(editor, { quorum: 2 });
    const claimId = await world.submitClaim(a, eventId, 'Protesters seized the airport');
    await addEvidence(b, claimId, 'REFUTES', 'Airport statement');
    await world.vote(a, claimId, 'FALSE');
    await world.vote(b, claimId, 'FALSE');
    ok(await b.api.op('RetractVote', { input: { claimId } }));
    await world.submitClaim(b, eventId, 'The airport reopens tomorrow');
    ok(await editor.api.op('UpdateEvent', { input: { eventId, title: 'Airport seizure, Almaty' } }));
    ok(await editor.api.op('CloseEvent', { input: { eventId } }));
    const expected = [
      'EVENT_OPENED',
      'CLAIM_SUBMITTED',
      'EVIDENCE_ADDED',
      'VOTE_CAST',
      'VERDICT_CHANGED',
      'VOTE_CAST',
      'VERDICT_CHANGED',
      'VOTE_RETRACTED',
      'VERDICT_CHANGED',
      'CLAIM_SUBMITTED',
      'EVENT_UPDATED',
      'EVENT_CLOSED',
    ];

    const logPage = async (api: ApiClient, first: number, after: string | null) =>
      ok(await api.op('ActivitySince', { eventId, first, after })).activity;
    const whole = await logPage(world.anonymous, 100, null);
    expect(whole.pageInfo.hasNextPage).toBe(false);
    expect(whole.edges.map((edge: { node: { type: string } }) => edge.node.type)).toEqual(expected);
    expect(whole.edges.map((edge: { cursor: string }) => positionOf(edge.cursor))).toEqual(
      expected.map((_, i) => i + 1),
    );
    for (const edge of whole.edges) expect(edge.node.cursor).toBe(edge.cursor);

    for (const size of [1, 2, 5, 12]) {
      const walked = await walk(size, (first, after) => logPage(world.anonymous, first, after));
      expect(walked.edges.map((edge) => edge.cursor)).toEqual(whole.edges.map((edge: { cursor: string }) => edge.cursor));
    }
    const middle = whole.edges[6].cursor;
    const resumed = await logPage(editor.api, 3, middle);
    expect(resumed.edges.map((edge: { node: { type: string } }) => edge.node.type)).toEqual(expected.slice(7, 10));
    expect(resumed.pageInfo.hasNextPage).toBe(true);
    const atEnd = await logPage(editor.api, 100, whole.pageInfo.endCursor);
    expect(atEnd).toEqual({ pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  test('a cursor of another event is refused', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const otherEventId = await world.openEvent(editor, {}, 'Another event');
    const foreign = ok(await world.anonymous.op('ActivitySince', { eventId: otherEventId })).activity.pageInfo.endCursor;
    expect(errorCode(await world.anonymous.op('ActivitySince', { eventId, after: foreign }))).toBe('BAD_USER_INPUT');
  });
});
