import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import { decodeCursor, encodeCursor } from '../../src/domain/cursor';
import { encodeGlobalId, parseGlobalId } from '../../src/domain/global-id';
import { ListOrders } from '../../src/services/list-orders';
import { ApiClient, contractDocument, GraphQLResponse, ok } from '../support/client';
import { collect, liveClient, LiveMessage } from '../support/live-client';
import { Scrape } from '../support/metrics';
import { expectSafeErrors } from '../support/refusals';
import { startTestServer, TestServer } from '../support/test-server';
import { until } from '../support/until';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** Every socket a test opens, closed after it whatever happened. */
const sockets: ReturnType<typeof liveClient>[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
  jest.restoreAllMocks();
});

/**
 * A non-lazy graphql-ws client prints a connection the server closed on the console (with the
 * console.error it saw when created), a little after it told the subscriptions. Tests that
 * close one on purpose call this before connecting, check the close themselves, and wait (at
 * most timeoutMs) until the client has printed the given number of closes.
 */
function quietClosedConnections() {
  const printing = new EventEmitter();
  const printed = jest.spyOn(console, 'error').mockImplementation(() => void printing.emit('printed'));
  return (count: number, timeoutMs = 5_000) =>
    until(printing, 'printed', () => printed.mock.calls.length >= count, `the client to print ${count} closes`, timeoutMs);
}

function connect(token?: string) {
  const socket = liveClient(server.url, token);
  sockets.push(socket);
  return socket;
}

type Subscription = ReturnType<typeof collect<any>>;

interface LogEntry {
  cursor: string;
  type: string;
  at: string;
  claim: { id: string } | null;
  verdict: { status: string; rating: string | null; version: number } | null;
}

/** The event's log after `after` (from its start without it), through ActivitySince pages. */
async function readLog(api: ApiClient, eventId: string, after: string | null = null): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (;;) {
    const page = ok(await api.op('ActivitySince', { eventId, after, first: 100 })).activity;
    for (const edge of page.edges as { cursor: string; node: LogEntry }[]) {
      expect(edge.node.cursor).toBe(edge.cursor);
      entries.push(edge.node);
    }
    if (!page.pageInfo.hasNextPage) return entries;
    after = page.pageInfo.endCursor;
  }
}

/** The cursor of the last entry of the event's log: subscribing after it misses nothing written later. */
async function endOfLog(api: ApiClient, eventId: string): Promise<string> {
  return (await readLog(api, eventId)).at(-1)!.cursor;
}

/** The cursor `steps` positions after the given one, as the server encodes it (to reach past the end). */
function cursorBeyond(cursor: string, steps: number): string {
  const { kind, shape } = ListOrders.activity;
  const [eventKey, position] = decodeCursor(kind, cursor, shape);
  return encodeCursor(kind, [eventKey, (position as number) + steps]);
}

/** Waits until the operation ended: completed, or failed (failure then holds the error). */
async function settled(subscription: Subscription, timeoutMs = 15_000): Promise<Subscription> {
  try {
    await subscription.take(Number.MAX_SAFE_INTEGER, timeoutMs);
  } catch (error) {
    if (subscription.failure === undefined) throw error;
  }
  return subscription;
}

/**
 * A subscription refused at its start (its arguments, its event or claim): graphql-ws sends
 * the errors of the source stream as the one result, with no data, then completes.
 */
async function refusal(subscription: Subscription): Promise<NonNullable<LiveMessage['errors']>> {
  await settled(subscription);
  expect(subscription.failure).toBeUndefined();
  expect(subscription.completed).toBe(true);
  expect(subscription.messages).toHaveLength(1);
  const [message] = subscription.messages;
  expect(message.data ?? null).toBeNull();
  expect(message.errors).toHaveLength(1);
  expectSafeErrors(message as GraphQLResponse);
  return message.errors!;
}

/** A query or mutation sent over the socket: its one result, after which the operation completes. */
async function overSocket(socket: ReturnType<typeof liveClient>, operationName: string, variables: Record<string, unknown> = {}) {
  const operation = await settled(collect(socket.client, operationName, variables));
  expect(operation.failure).toBeUndefined();
  expect(operation.completed).toBe(true);
  expect(operation.messages).toHaveLength(1);
  return operation.messages[0];
}

/** The error an operation failed with before it started (onSubscribe refused it): graphql-ws's error message. */
async function operationError(subscription: Subscription) {
  await settled(subscription);
  expect(subscription.messages).toEqual([]);
  const errors = subscription.failure as LiveMessage['errors'];
  expect(Array.isArray(errors)).toBe(true);
  expectSafeErrors({ errors } as GraphQLResponse);
  return errors!;
}

const cursorsOf = (messages: LiveMessage[], field: 'activity' | 'verdictChanged') => messages.map((m) => m.data[field].cursor);

/** An event with quorum 1 and a claim, an editor and two reviewers of different organisations. */
async function eventWithClaim(world: World, policy: Record<string, number> = { quorum: 1 }) {
  const editor = await world.editor();
  const first = await world.reviewer('Vlast.kz');
  const second = await world.reviewer('Factcheck.kz');
  const eventId = await world.openEvent(editor, policy);
  const claimId = await world.submitClaim(first, eventId, 'The airport in Almaty was seized');
  return { editor, first, second, eventId, claimId };
}

describe('what subscribers receive', () => {
  test('activity delivers every entry type in log order, with the cursors and content ActivitySince gives', async () => {
    const world = await World.create(server.url);
    const { editor, first, second, eventId, claimId } = await eventWithClaim(world);
    const after = await endOfLog(world.anonymous, eventId);
    const live = connect();
    const activity = collect(live.client, 'OnActivity', { eventId, after });

    ok(await editor.api.op('UpdateEvent', { input: { eventId, title: 'Unrest in Almaty' } }));
    const other = await world.submitClaim(second, eventId, 'Troops fired on protesters in Aktobe');
    const evidenceId = ok(await first.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', title: 'Airport statement' } }))
      .addEvidence.evidence.id;
    await world.vote(first, claimId, 'FALSE', { evidenceIds: [evidenceId] });
    ok(await first.api.op('RetractVote', { input: { claimId } }));
    await world.vote(first, claimId, 'FALSE');
    ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'The airport was never seized.' } }));
    ok(await editor.api.op('ReopenClaim', { input: { claimId, reason: 'New footage' } }));
    ok(await editor.api.op('MarkDuplicate', { input: { claimId: other, duplicateOfId: claimId } }));
    ok(await editor.api.op('CloseEvent', { input: { eventId } }));

    const log = await readLog(world.anonymous, eventId, after);
    expect(log.map((entry) => entry.type)).toEqual([
      'EVENT_UPDATED',
      'CLAIM_SUBMITTED',
      'EVIDENCE_ADDED',
      'VOTE_CAST',
      'VERDICT_CHANGED',
      'VOTE_RETRACTED',
      'VERDICT_CHANGED',
      'VOTE_CAST',
      'VERDICT_CHANGED',
      'VERDICT_CHANGED',
      'VERDICT_PUBLISHED',
      'VERDICT_CHANGED',
      'CLAIM_REOPENED',
      'CLAIM_MARKED_DUPLICATE',
      'VERDICT_CHANGED',
      'EVENT_CLOSED',
    ]);
    const received = (await activity.take(log.length)).map((message) => message.data.activity);
    // Anonymous: the same entries as the log, field for field, and no actor.
    expect(received).toEqual(log.map((entry) => ({ ...entry, actor: null })));
    expect(new Set(received.map((entry) => entry.cursor)).size).toBe(log.length);
  });

  test('verdictChanged by eventId delivers every verdict change of the event; by claimId only that claim\'s', async () => {
    const world = await World.create(server.url);
    const { editor, first, second, eventId, claimId } = await eventWithClaim(world);
    const other = await world.submitClaim(second, eventId, 'Troops fired on protesters in Aktobe');
    const after = await endOfLog(world.anonymous, eventId);
    const live = connect();
    const byEvent = collect(live.client, 'OnVerdictChanged', { eventId, after });
    const byClaim = collect(live.client, 'OnVerdictChanged', { claimId, after });
    const byBoth = collect(live.client, 'OnVerdictChanged', { eventId, claimId: other, after });

    await world.vote(first, other, 'TRUE');
    await world.vote(first, claimId, 'FALSE');
    await world.vote(second, other, 'MIXED');
    await world.vote(second, claimId, 'FALSE');
    ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Never seized.' } }));
    ok(await second.api.op('RetractVote', { input: { claimId: other } }));
    // Last, so that a change of the other claim delivered by mistake could not hide after the end.
    ok(await editor.api.op('ReopenClaim', { input: { claimId, reason: 'New footage' } }));

    const changes = (await readLog(world.anonymous, eventId, after)).filter((entry) => entry.type === 'VERDICT_CHANGED');
    const expected = (entries: LogEntry[]) => entries.map(({ cursor, at, claim, verdict }) => ({ cursor, at, claim, verdict }));
    const received = async (subscription: Subscription, count: number) =>
      (await subscription.take(count)).map((message) => message.data.verdictChanged);

    const all = await received(byEvent, changes.length);
    expect(all.map(({ cursor, at, claim, verdict }) => ({ cursor, at, claim, verdict: { status: verdict.status, rating: verdict.rating, version: verdict.version } })))
      .toEqual(expected(changes));
    const ofClaim = changes.filter((entry) => entry.claim!.id === claimId);
    const ofOther = changes.filter((entry) => entry.claim!.id === other);
    expect(cursorsOf(await byClaim.take(ofClaim.length), 'verdictChanged')).toEqual(ofClaim.map((entry) => entry.cursor));
    expect(cursorsOf(await byBoth.take(ofOther.length), 'verdictChanged')).toEqual(ofOther.map((entry) => entry.cursor));

    // Each claim's versions follow one another from 0; a change happens at its verdict's updatedAt.
    for (const id of [claimId, other]) {
      const versions = all.filter((change) => change.claim.id === id).map((change) => [change.previous.version, change.verdict.version]);
      expect(versions).toEqual(versions.map((_, i) => [i, i + 1]));
    }
    for (const change of all) expect(change.verdict.updatedAt).toBe(change.at);
    expect(all.find((change) => change.verdict.status === 'PUBLISHED')).toMatchObject({
      claim: { id: claimId },
      previous: { status: 'CONSENSUS', rating: 'FALSE' },
      verdict: { rating: 'FALSE', summary: 'Never seized.', publishedAt: expect.any(String) },
    });
  });
});

describe('refused subscriptions', () => {
  test('verdictChanged without eventId and claimId is BAD_USER_INPUT', async () => {
    const live = connect();
    const [error] = await refusal(collect(live.client, 'OnVerdictChanged', {}));
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('a malformed cursor, a cursor of another event or one beyond the end of the log is BAD_USER_INPUT', async () => {
    const world = await World.create(server.url);
    const { eventId, claimId } = await eventWithClaim(world);
    const { eventId: otherEvent } = await eventWithClaim(world);
    const end = await endOfLog(world.anonymous, eventId);
    const foreign = await endOfLog(world.anonymous, otherEvent);
    const eventsCursor = ok(await world.anonymous.op('Events', { first: 1 })).events.edges[0].cursor;
    const live = connect();

    for (const after of ['not a cursor!', 'bG9s', eventsCursor, foreign, cursorBeyond(end, 1)]) {
      for (const [operation, variables] of [
        ['OnVerdictChanged', { eventId, after }],
        ['OnVerdictChanged', { claimId, after }],
        ['OnActivity', { eventId, after }],
      ] as const) {
        const [error] = await refusal(collect(live.client, operation, variables));
        expect({ operation, after, code: error.extensions?.code }).toEqual({ operation, after, code: 'BAD_USER_INPUT' });
      }
    }
    // The end of the log itself is a good cursor: nothing to replay yet.
    const atEnd = collect(live.client, 'OnActivity', { eventId, after: end });
    await world.vote(await world.reviewer(), claimId, 'TRUE');
    const [next] = await atEnd.take(1);
    expect(next.data.activity).toMatchObject({ type: 'VOTE_CAST', cursor: cursorBeyond(end, 1) });
  });

  test('verdictChanged naming a claim of another event is BAD_USER_INPUT', async () => {
    const world = await World.create(server.url);
    const { eventId } = await eventWithClaim(world);
    const { claimId } = await eventWithClaim(world);
    const [error] = await refusal(collect(connect().client, 'OnVerdictChanged', { eventId, claimId }));
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('an unknown or malformed event or claim is NOT_FOUND', async () => {
    const live = connect();
    const unknownEvent = encodeGlobalId('Event', randomUUID());
    const unknownClaim = encodeGlobalId('Claim', randomUUID());
    for (const [operation, variables] of [
      ['OnVerdictChanged', { eventId: unknownEvent }],
      ['OnVerdictChanged', { claimId: unknownClaim }],
      ['OnVerdictChanged', { eventId: 'no-such-id' }],
      ['OnVerdictChanged', { claimId: unknownEvent }],
      ['OnActivity', { eventId: unknownEvent }],
      ['OnActivity', { eventId: unknownClaim }],
    ] as const) {
      const [error] = await refusal(collect(live.client, operation, variables));
      expect({ variables, code: error.extensions?.code }).toEqual({ variables, code: 'NOT_FOUND' });
    }
  });
});

describe('replay and resume', () => {
  const ratings = ['TRUE', 'MOSTLY_TRUE', 'MIXED', 'MISLEADING', 'MOSTLY_FALSE', 'FALSE'];

  test('from a cursor in the middle of the log, while votes go on: exactly the entries after it, then live ones, in order', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 2 });
    const reviewers = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F'].map((org) => world.reviewer(`Org ${org}`)));
    const pacer = await world.reviewer('Pacer');
    const claims: string[] = [];
    for (const statement of ['Internet is cut in all of Kazakhstan', 'Troops arrived from abroad', 'The president left the country']) {
      claims.push(await world.submitClaim(editor, eventId, statement));
    }
    for (const [i, reviewer] of reviewers.entries()) {
      for (const [j, claimId] of claims.entries()) await world.vote(reviewer, claimId, ratings[(i + j) % 3]);
    }
    const before = await readLog(world.anonymous, eventId);
    const middle = before[Math.floor(before.length / 2)].cursor;

    // Every reviewer changes every vote twice, concurrently; meanwhile subscribers join one by
    // one, each replaying from the same cursor while entries commit and are fanned out.
    const writes = Promise.all(
      reviewers.map(async (reviewer, i) => {
        for (const round of [1, 2]) {
          for (const [j, claimId] of claims.entries()) await world.vote(reviewer, claimId, ratings[(i * round + j) % ratings.length]);
        }
      }),
    );
    const subscribers: { activity: Subscription; changes: Subscription }[] = [];
    for (const [k, rating] of ratings.entries()) {
      const live = connect();
      subscribers.push({
        activity: collect(live.client, 'OnActivity', { eventId, after: middle }),
        changes: collect(live.client, 'OnVerdictChanged', { eventId, after: middle }),
      });
      await world.vote(pacer, claims[k % claims.length], rating);
    }
    await writes;

    const expected = await readLog(world.anonymous, eventId, middle);
    const expectedChanges = expected.filter((entry) => entry.type === 'VERDICT_CHANGED');
    for (const { activity, changes } of subscribers) {
      expect(cursorsOf(await activity.take(expected.length), 'activity')).toEqual(expected.map((entry) => entry.cursor));
      expect(cursorsOf(await changes.take(expectedChanges.length), 'verdictChanged')).toEqual(expectedChanges.map((entry) => entry.cursor));
    }

    // Then live, with nothing in between: the next message of each is the marker's.
    await world.vote(editor, claims[0], 'UNVERIFIABLE');
    const marker = await readLog(world.anonymous, eventId, expected.at(-1)!.cursor);
    expect(marker.map((entry) => entry.type)).toEqual(['VOTE_CAST', 'VERDICT_CHANGED']);
    for (const { activity, changes } of subscribers) {
      expect(cursorsOf(await activity.take(expected.length + 2), 'activity').slice(-2)).toEqual(marker.map((entry) => entry.cursor));
      expect((await changes.take(expectedChanges.length + 1)).at(-1)!.data.verdictChanged.cursor).toBe(marker[1].cursor);
    }
  });

  test('a client that reconnects with the cursor of the last message it saw receives exactly what it missed, then live ones', async () => {
    const world = await World.create(server.url);
    const { editor, first, second, eventId, claimId } = await eventWithClaim(world);
    const after = await endOfLog(world.anonymous, eventId);
    const dropped = connect();
    const activity = collect(dropped.client, 'OnActivity', { eventId, after });
    const changes = collect(dropped.client, 'OnVerdictChanged', { claimId, after });
    await world.vote(first, claimId, 'FALSE');
    await world.vote(second, claimId, 'MOSTLY_FALSE');
    const lastActivity = (await activity.take(3)).at(-1)!.data.activity.cursor;
    const lastChange = (await changes.take(1))[0].data.verdictChanged;
    await dropped.dispose();

    // Votes go on while the client is away.
    await world.vote(first, claimId, 'MISLEADING');
    await world.vote(second, claimId, 'MISLEADING');
    await world.vote(editor, claimId, 'TRUE');

    const back = connect();
    const resumedActivity = collect(back.client, 'OnActivity', { eventId, after: lastActivity });
    const resumedChanges = collect(back.client, 'OnVerdictChanged', { claimId, after: lastChange.cursor });
    const missed = await readLog(world.anonymous, eventId, lastActivity);
    const missedChanges = (await readLog(world.anonymous, eventId, lastChange.cursor)).filter((entry) => entry.type === 'VERDICT_CHANGED');
    expect(missed.length).toBeGreaterThanOrEqual(6);
    expect(cursorsOf(await resumedActivity.take(missed.length), 'activity')).toEqual(missed.map((entry) => entry.cursor));
    const resumed = (await resumedChanges.take(missedChanges.length)).map((message) => message.data.verdictChanged);
    expect(resumed.map((change) => change.cursor)).toEqual(missedChanges.map((entry) => entry.cursor));
    // No version skipped or repeated across the break.
    expect([lastChange, ...resumed].map((change) => change.verdict.version)).toEqual(
      [lastChange, ...resumed].map((_, i) => lastChange.verdict.version + i),
    );
    expect(resumed[0].previous.version).toBe(lastChange.verdict.version);

    await world.vote(first, claimId, 'TRUE');
    const marker = await readLog(world.anonymous, eventId, missed.at(-1)!.cursor);
    expect(marker.map((entry) => entry.type)).toEqual(['VOTE_CAST', 'VERDICT_CHANGED']);
    expect(cursorsOf(await resumedActivity.take(missed.length + 2), 'activity').slice(-2)).toEqual(marker.map((entry) => entry.cursor));
    expect((await resumedChanges.take(missedChanges.length + 1)).at(-1)!.data.verdictChanged.cursor).toBe(marker[1].cursor);
  });
});

describe("an event's activityCursor", () => {
  const headOf = async (api: ApiClient, eventId: string) =>
    ok(await api.query('query ($id: ID!) { event(id: $id) { activityCursor } }', { id: eventId })).event.activityCursor as string;

  test('names the newest entry of the log, for anonymous and signed-in readers alike, and moves with each entry', async () => {
    const world = await World.create(server.url);
    const { first, second, eventId, claimId } = await eventWithClaim(world);
    const opened = await headOf(world.anonymous, eventId);
    expect(opened).toBe(await endOfLog(world.anonymous, eventId));
    expect(await headOf(first.api, eventId)).toBe(opened);

    let previous = opened;
    for (const [voter, rating] of [[first, 'FALSE'], [second, 'MOSTLY_FALSE'], [first, 'MISLEADING']] as const) {
      await world.vote(voter, claimId, rating);
      const head = await headOf(world.anonymous, eventId);
      const since = await readLog(world.anonymous, eventId, previous);
      expect(since.map((entry) => entry.type)).toEqual(['VOTE_CAST', 'VERDICT_CHANGED']);
      expect(head).toBe(since.at(-1)!.cursor);
      previous = head;
    }
  });

  test('following from it, read before a change that commits before the subscription starts, delivers that change and nothing before it', async () => {
    const world = await World.create(server.url);
    const { first, eventId, claimId } = await eventWithClaim(world);
    const head = await headOf(world.anonymous, eventId);
    await world.vote(first, claimId, 'FALSE');

    const activity = collect(connect().client, 'OnActivity', { eventId, after: head });
    const missed = await readLog(world.anonymous, eventId, head);
    expect(missed.map((entry) => entry.type)).toEqual(['VOTE_CAST', 'VERDICT_CHANGED']);
    expect(cursorsOf(await activity.take(2), 'activity')).toEqual(missed.map((entry) => entry.cursor));
    await world.vote(first, claimId, 'TRUE');
    const next = await readLog(world.anonymous, eventId, missed.at(-1)!.cursor);
    expect(cursorsOf(await activity.take(4), 'activity').slice(2)).toEqual(next.map((entry) => entry.cursor));
  });
});

describe('transactions that fail', () => {
  test('a refused vote on an open event delivers nothing: the next message is the marker\'s', async () => {
    const world = await World.create(server.url);
    const { editor, first, eventId, claimId } = await eventWithClaim(world);
    const other = await world.submitClaim(first, eventId, 'Troops fired on protesters in Aktobe');
    const foreignEvidence = ok(await first.api.op('AddEvidence', { input: { claimId: other, stance: 'SUPPORTS', title: 'Video' } }))
      .addEvidence.evidence.id;
    const after = await endOfLog(world.anonymous, eventId);
    const live = connect();
    const activity = collect(live.client, 'OnActivity', { eventId, after });
    const changes = collect(live.client, 'OnVerdictChanged', { eventId, after });

    // Refused after the claim was locked and checked; and publishing a claim without consensus.
    const refused = await first.api.op('CastVote', { input: { claimId, rating: 'FALSE', evidenceIds: [foreignEvidence] } });
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unpublishable = await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Too early' } });
    expect(unpublishable.errors?.[0].extensions?.code).toBe('CONFLICT');
    const noVote = await first.api.op('RetractVote', { input: { claimId } });
    expect(noVote.errors?.[0].extensions?.code).toBe('CONFLICT');

    await world.vote(first, claimId, 'FALSE');
    const [cast, changed] = await activity.take(2);
    expect(cast.data.activity).toMatchObject({ type: 'VOTE_CAST', cursor: cursorBeyond(after, 1), claim: { id: claimId } });
    expect(changed.data.activity).toMatchObject({ type: 'VERDICT_CHANGED', cursor: cursorBeyond(after, 2) });
    const [change] = await changes.take(1);
    expect(change.data.verdictChanged).toMatchObject({
      cursor: cursorBeyond(after, 2),
      previous: { status: 'UNVERIFIED', version: 0 },
      verdict: { status: 'CONSENSUS', rating: 'FALSE', version: 1 },
    });
  });

  test('a vote on a closed event delivers nothing: the next message is the marker\'s', async () => {
    const world = await World.create(server.url);
    const { editor, first, eventId, claimId } = await eventWithClaim(world);
    ok(await editor.api.op('CloseEvent', { input: { eventId } }));
    const after = await endOfLog(world.anonymous, eventId);
    const activity = collect(connect().client, 'OnActivity', { eventId, after });

    const refused = await first.api.op('CastVote', { input: { claimId, rating: 'FALSE' } });
    expect(refused.errors?.[0].extensions?.code).toBe('CONFLICT');
    // A closed event still takes an editor's update: the marker.
    ok(await editor.api.op('UpdateEvent', { input: { eventId, description: 'Closed after the curfew ended' } }));
    const [next] = await activity.take(1);
    expect(next.data.activity).toMatchObject({ type: 'EVENT_UPDATED', cursor: cursorBeyond(after, 1) });
  });
});

describe('access over WebSocket', () => {
  const secret = new TextEncoder().encode('test-secret-that-is-long-enough-for-hs256');
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const signToken = (subject: string, expiresAt: number, key = secret) =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer('verification-backend')
      .setIssuedAt(expiresAt - 3600).setExpirationTime(expiresAt).sign(key);

  test('a bad, expired or foreign-signed token closes the socket with 4403', async () => {
    const world = await World.create(server.url);
    const { first, eventId } = await eventWithClaim(world);
    const subject = parseGlobalId(first.id)!.id;
    const tokens = {
      garbage: 'garbage',
      expired: await signToken(subject, nowSeconds() - 60),
      foreign: await signToken(subject, nowSeconds() + 600, new TextEncoder().encode('another-secret-that-is-long-enough-too')),
    };
    const printed = quietClosedConnections();
    for (const [i, [kind, token]] of Object.entries(tokens).entries()) {
      const socket = connect(token);
      const subscription = await settled(collect(socket.client, 'OnActivity', { eventId }));
      expect({ kind, messages: subscription.messages, code: (subscription.failure as { code?: number }).code }).toEqual({ kind, messages: [], code: 4403 });
      expect({ kind, closes: socket.closes.map((close) => close.code) }).toEqual({ kind, closes: [4403] });
      await printed(i + 1);
    }
    // The same token, unexpired, is accepted.
    const accepted = connect(await signToken(subject, nowSeconds() + 600));
    expect((await overSocket(accepted, 'Viewer')).data.viewer.id).toBe(first.id);
  });

  // The database out of reach is no such failure: the socket opens and each operation answers SERVICE_UNAVAILABLE (database-outage.test.ts).
  test("a token that cannot be checked for an unexpected reason (the server's own pool closed) closes the socket with 4500", async () => {
    const own = await startTestServer();
    try {
      const reviewer = await (await World.create(own.url)).reviewer();
      await own.server.database.close();
      const printed = quietClosedConnections();
      const socket = liveClient(own.url, reviewer.token);
      sockets.push(socket);
      const subscription = await settled(collect(socket.client, 'OnActivity', { eventId: encodeGlobalId('Event', randomUUID()) }));
      expect((subscription.failure as { code?: number }).code).toBe(4500);
      expect(socket.closes).toEqual([{ code: 4500, reason: 'Internal server error' }]);
      await printed(1);
    } finally {
      await own.stop();
    }
  });

  test('a socket authorises every operation afresh: a role taken away since it opened counts at once', async () => {
    const world = await World.create(server.url);
    const { first, eventId, claimId } = await eventWithClaim(world);
    const demoted = connect(first.token);
    expect((await overSocket(demoted, 'Viewer')).data.viewer.role).toBe('REVIEWER');
    ok(await world.admin.api.op('SetReviewerRole', { input: { reviewerId: first.id, role: 'OBSERVER' } }));
    const end = await endOfLog(world.anonymous, eventId);
    const vote = await overSocket(demoted, 'CastVote', { input: { claimId, rating: 'FALSE' } });
    expect(vote.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await readLog(world.anonymous, eventId, end)).toEqual([]);
  });

  test('a token that expires while its socket is open: the next operation is refused as expired, and writes nothing', async () => {
    // A server of its own, whose clock for tokens' lifetimes the test moves.
    const ttlSeconds = 3600;
    let clockMs = Date.now();
    const own = await startTestServer({ TOKEN_TTL: String(ttlSeconds) }, undefined, () => clockMs);
    const world = await World.create(own.url);
    const { first, eventId, claimId } = await eventWithClaim(world);
    const socket = liveClient(own.url, first.token);
    try {
      expect((await overSocket(socket, 'Viewer')).data.viewer.id).toBe(first.id);
      const end = await endOfLog(world.anonymous, eventId);
      clockMs += ttlSeconds * 1000;
      const [expired] = await operationError(collect(socket.client, 'CastVote', { input: { claimId, rating: 'FALSE' } }));
      expect(expired.extensions?.code).toBe('UNAUTHENTICATED');
      expect(expired.message).toMatch(/expired/i);
      expect(await readLog(world.anonymous, eventId, end)).toEqual([]);
      expect(socket.closes).toEqual([]);
    } finally {
      await socket.dispose();
      await own.stop();
    }
  });

  test('anonymous subscribers get a null actor; signed-in ones the actor\'s id', async () => {
    const world = await World.create(server.url);
    const { first, second, eventId, claimId } = await eventWithClaim(world);
    const observer = await world.reviewer('Desk', 'OBSERVER');
    const after = await endOfLog(world.anonymous, eventId);
    const anonymous = collect(connect().client, 'OnActivity', { eventId, after });
    const signedIn = collect(connect(observer.token).client, 'OnActivity', { eventId, after });

    await world.vote(first, claimId, 'FALSE');
    await world.vote(second, claimId, 'FALSE');
    const seenAnonymously = (await anonymous.take(4)).map((message) => message.data.activity);
    const seenSignedIn = (await signedIn.take(4)).map((message) => message.data.activity);
    expect(seenAnonymously.map((entry) => entry.actor)).toEqual([null, null, null, null]);
    expect(seenSignedIn.map((entry) => entry.actor?.id)).toEqual([first.id, first.id, second.id, second.id]);
    expect(seenSignedIn.map(({ actor: _actor, ...entry }) => entry)).toEqual(seenAnonymously.map(({ actor: _actor, ...entry }) => entry));
  });

  test('queries and mutations over the socket get the same authorisation, results and masked errors as over HTTP', async () => {
    const world = await World.create(server.url);
    const { first, second, eventId, claimId } = await eventWithClaim(world);
    const observer = await world.reviewer('Desk', 'OBSERVER');
    const other = await world.submitClaim(first, eventId, 'Troops fired on protesters in Aktobe');
    const foreignEvidence = ok(await first.api.op('AddEvidence', { input: { claimId: other, stance: 'SUPPORTS', title: 'Video' } }))
      .addEvidence.evidence.id;
    const end = await endOfLog(world.anonymous, eventId);
    const sameAsHttp = async (member: Member | null, operationName: string, variables: Record<string, unknown>, code: string) => {
      const overHttp = await (member?.api ?? world.anonymous).op(operationName, variables);
      const overWs = await overSocket(connect(member?.token), operationName, variables);
      expect(overWs).toEqual({ data: overHttp.data, errors: overHttp.errors });
      expect(overWs.errors?.map((error) => error.extensions?.code)).toEqual([code]);
      expectSafeErrors(overWs as GraphQLResponse);
    };
    const vote = { claimId, rating: 'FALSE' };
    await sameAsHttp(null, 'CastVote', { input: vote }, 'UNAUTHENTICATED');
    await sameAsHttp(observer, 'CastVote', { input: vote }, 'FORBIDDEN');
    await sameAsHttp(first, 'CastVote', { input: { ...vote, evidenceIds: [foreignEvidence] } }, 'BAD_USER_INPUT');
    await sameAsHttp(first, 'ClaimDetail', { id: encodeGlobalId('Claim', 'not-a-uuid') }, 'NOT_FOUND');
    expect(await readLog(world.anonymous, eventId, end)).toEqual([]);

    // Signed in over the socket, a vote counts and is logged as the reviewer's.
    const socket = connect(second.token);
    const cast = await overSocket(socket, 'CastVote', { input: vote });
    expect(cast.errors).toBeUndefined();
    expect(cast.data.castVote.claim).toMatchObject({ id: claimId, verdict: { status: 'CONSENSUS', rating: 'FALSE', version: 1 } });
    expect((await overSocket(socket, 'Viewer')).data.viewer.id).toBe(second.id);
    expect((await overSocket(connect(), 'Viewer')).data.viewer).toBeNull();
    const detail = ok(await first.api.op('ClaimDetail', { id: claimId })).claim;
    expect(detail.votes.edges.map((edge: { node: { reviewer: { id: string } } }) => edge.node.reviewer.id)).toEqual([second.id]);

    // Documents that do not parse or validate are refused before they run, with Apollo's codes.
    const unparsable = await operationError(collect(socket.client, 'Broken', {}, 'query Broken {'));
    expect(unparsable.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    const invalid = await operationError(collect(socket.client, 'Invalid', {}, 'query Invalid { viewer { password } }'));
    expect(invalid.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const badVariables = await operationError(collect(socket.client, 'CastVote', { input: { claimId, rating: 'PROBABLY' } }, contractDocument));
    expect(badVariables.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('shared execution', () => {
  test('twenty anonymous subscribers resuming from different cursors receive identical payloads, each executed and serialised once per entry', async () => {
    const world = await World.create(server.url);
    const { editor, first, second, eventId, claimId } = await eventWithClaim(world);
    const other = await world.submitClaim(first, eventId, 'Troops fired on protesters in Aktobe');
    for (const round of ['MIXED', 'TRUE']) {
      for (const [member, rating] of [[first, 'FALSE'], [second, 'MOSTLY_FALSE'], [editor, 'FALSE']] as const) {
        await world.vote(member, claimId, rating);
        await world.vote(member, other, round);
      }
    }
    const before = await readLog(world.anonymous, eventId);
    expect(before.length).toBeGreaterThanOrEqual(20);
    const starts = before.slice(-20).map((entry) => entry.cursor);
    const counted = await Scrape.of(server.url);
    const subscribers = starts.map((after) => collect(connect().client, 'OnVerdictChanged', { eventId, after }));

    await world.vote(second, claimId, 'MISLEADING');
    const log = await readLog(world.anonymous, eventId);
    const changesAfter = (cursor: string) =>
      log.slice(log.findIndex((entry) => entry.cursor === cursor) + 1).filter((entry) => entry.type === 'VERDICT_CHANGED');
    const payloads = new Map<string, unknown>();
    for (const [i, subscriber] of subscribers.entries()) {
      const expected = changesAfter(starts[i]);
      const received = (await subscriber.take(expected.length)).map((message) => message.data.verdictChanged);
      expect(received.map((change) => change.cursor)).toEqual(expected.map((entry) => entry.cursor));
      for (const change of received) {
        if (!payloads.has(change.cursor)) payloads.set(change.cursor, change);
        expect(change).toEqual(payloads.get(change.cursor));
      }
    }
    // The newest change reached every subscriber, the same for all.
    expect(payloads.get(changesAfter(starts[0]).at(-1)!.cursor)).toMatchObject({ claim: { id: claimId }, verdict: { rating: 'FALSE', voteCount: 3 } });
    // One serialised payload per entry, whatever the number of subscribers it went to.
    const messages = subscribers.reduce((sum, subscriber) => sum + subscriber.messages.length, 0);
    const now = await Scrape.of(server.url);
    expect(now.since(counted, 'live_messages_sent_total')).toBe(messages);
    expect(now.since(counted, 'live_payloads_rendered_total')).toBe(payloads.size);
    process.stdout.write(`shared execution: ${messages} messages to 20 subscribers carried ${payloads.size} serialised payloads\n`);
  });

  test('anonymous and member subscribers form two groups: each entry is serialised once for each', async () => {
    const world = await World.create(server.url);
    const { first, second, eventId, claimId } = await eventWithClaim(world);
    const after = await endOfLog(world.anonymous, eventId);
    const counted = await Scrape.of(server.url);
    const anonymous = [1, 2, 3].map(() => collect(connect().client, 'OnVerdictChanged', { eventId, after }));
    const members = [1, 2, 3].map(() => collect(connect(first.token).client, 'OnVerdictChanged', { eventId, after }));
    await world.vote(first, claimId, 'FALSE');
    await world.vote(second, claimId, 'FALSE');
    const changes = (await readLog(world.anonymous, eventId, after)).filter((entry) => entry.type === 'VERDICT_CHANGED');
    expect(changes.length).toBeGreaterThan(0);
    for (const subscriber of [...anonymous, ...members]) await subscriber.take(changes.length);
    const now = await Scrape.of(server.url);
    expect(now.since(counted, 'live_messages_sent_total')).toBe(6 * changes.length);
    expect(now.since(counted, 'live_payloads_rendered_total')).toBe(2 * changes.length);
  });
});

describe('limits of a socket', () => {
  test('a socket carries at most 100 operations at once: the 101st is refused with BAD_USER_INPUT', async () => {
    const world = await World.create(server.url);
    const { first, eventId, claimId } = await eventWithClaim(world);
    const after = await endOfLog(world.anonymous, eventId);
    const live = connect();
    const subscriptions = Array.from({ length: 100 }, () => collect(live.client, 'OnActivity', { eventId, after }));
    const [error] = await operationError(collect(live.client, 'OnActivity', { eventId, after }));
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');

    await world.vote(first, claimId, 'FALSE');
    for (const subscription of subscriptions) expect((await subscription.take(1))[0].data.activity.type).toBe('VOTE_CAST');
    // One ends, so one more may start.
    subscriptions[0].unsubscribe();
    const another = collect(live.client, 'OnActivity', { eventId, after });
    expect(cursorsOf(await another.take(2), 'activity')).toEqual([cursorBeyond(after, 1), cursorBeyond(after, 2)]);
    expect(live.closes).toEqual([]);
  });

  test('a message over 64 KB closes the socket with 1009; one under it is served', async () => {
    const printed = quietClosedConnections();
    const live = connect();
    const padded = (bytes: number) => `# ${'x'.repeat(bytes)}\nquery Padded { viewer { id } }`;
    const small = await settled(collect(live.client, 'Padded', {}, padded(60 * 1024)));
    expect(small.messages).toEqual([{ data: { viewer: null } }]);

    const large = await settled(collect(live.client, 'Padded', {}, padded(64 * 1024)));
    expect(large.messages).toEqual([]);
    expect((large.failure as { code?: number }).code).toBe(1009);
    expect(live.closes.map((close) => close.code)).toEqual([1009]);
    await printed(1);
  });
});

/** A raw graphql-transport-ws socket: what the server sends, as parsed messages, and its close code. */
function rawSocket(init: boolean, url = server.url) {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: { type: string; id?: string; payload?: any }[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  if (init) socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  /** Resolves once `done` holds of the messages so far, looking again at each message that comes. */
  const until = (done: (received: typeof messages) => boolean, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => done(messages) && finish(resolve);
      const timer = setTimeout(() => finish(() => reject(new Error(`still waiting after ${messages.length} messages`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        socket.off('message', check);
        settle();
      };
      socket.on('message', check);
      check();
    });
  return { socket, messages, closed, until, send: (message: object) => socket.send(JSON.stringify(message)) };
}

test('a socket that sends no connection_init in time is closed with 4408; one that did, opened before it, stays open', async () => {
  // A server of its own with a short wait: the test waits for the close, it does not time it
  // (when the close comes is socket-liveness.test.ts's to show, on a fake clock).
  const own = await startTestServer({ WS_INIT_TIMEOUT_MS: '500' });
  try {
    const polite = rawSocket(true, own.url);
    await polite.until((received) => received.length === 1);
    const silent = rawSocket(false, own.url);
    expect(await silent.closed).toBe(4408);
    // Opened first, its wait was over before the silent one's: it is open because it sent connection_init.
    expect(polite.socket.readyState).toBe(WebSocket.OPEN);
    expect(polite.messages.map((message) => message.type)).toEqual(['connection_ack']);
    polite.socket.close();
    await polite.closed;
  } finally {
    await own.stop();
  }
});

test('operations on one socket by id: a numeric and a UUID id run side by side, a completed one stops, an id in use closes with 4409', async () => {
  const world = await World.create(server.url);
  const { editor, first, second, eventId, claimId } = await eventWithClaim(world);
  const after = await endOfLog(world.anonymous, eventId);
  const raw = rawSocket(true);
  await raw.until((received) => received.length === 1);
  const uuid = randomUUID();
  const subscribe = (id: string) => raw.send({ id, type: 'subscribe', payload: { query: contractDocument, operationName: 'OnActivity', variables: { eventId, after } } });
  const votesSeen = () => raw.messages.filter((message) => message.payload?.data?.activity?.type === 'VOTE_CAST').map((message) => message.id);
  const received = (id: string) => raw.messages.filter((message) => message.id === id && message.type === 'next');
  /** Waits until the given operations received every entry of the log so far; returns how many. */
  const allCame = async (...ids: string[]) => {
    const written = (await readLog(world.anonymous, eventId, after)).length;
    await raw.until(() => ids.every((id) => received(id).length === written));
    return written;
  };
  subscribe('1');
  subscribe(uuid);
  await world.vote(first, claimId, 'FALSE');
  const beforeComplete = await allCame('1', uuid);
  expect(votesSeen().sort()).toEqual(['1', uuid].sort());

  raw.send({ id: '1', type: 'complete' });
  await world.vote(second, claimId, 'TRUE');
  await allCame(uuid);
  // A later entry, written once the vote's entries reached the uuid: a stray copy of them for
  // '1' would have been handed over with the uuid's, so it comes before the uuid's copy of this.
  ok(await editor.api.op('UpdateEvent', { input: { eventId, description: 'After the second vote' } }));
  await allCame(uuid);
  expect(received(uuid).at(-1)!.payload.data.activity.type).toBe('EVENT_UPDATED');
  expect(votesSeen().slice(2)).toEqual([uuid]);
  expect(received('1')).toHaveLength(beforeComplete);

  subscribe(uuid);
  expect(await raw.closed).toBe(4409);
});
