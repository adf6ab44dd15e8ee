import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import WebSocket from 'ws';
import { LiveCloseCode } from '../../src/server/close-codes';
import { SocketLimits } from '../../src/server/websocket';
import { ApiClient, ok } from '../support/client';
import { collect, liveClient, type LiveMessage } from '../support/live-client';
import { Scrape } from '../support/metrics';
import { createTestDatabase, onPostgres, startTestServer, testDatabaseUrl } from '../support/test-server';
import { until } from '../support/until';
import { World, type Member } from '../support/world';

// Live delivery across server instances, dropped listening connections, slow consumers and
// shutdown. Every subscription starts `after` the end of the log as it was before the writes,
// so whatever is written later arrives by replay or live, with no need to wait for the
// subscription to be registered; timeouts are only upper bounds.

interface LogEntry {
  cursor: string;
  type: string;
  claim: { id: string } | null;
  verdict: { status: string; rating: string | null; version: number } | null;
}

/** An event's log after a cursor, through ActivitySince pages, and the cursor of its end. */
async function readLog(api: ApiClient, eventId: string, after: string | null = null) {
  const entries: LogEntry[] = [];
  let end = after;
  for (;;) {
    const page = ok(await api.op('ActivitySince', { eventId, after: end, first: 100 })).activity;
    entries.push(...page.edges.map((edge: { node: LogEntry }) => edge.node));
    end = page.pageInfo.endCursor ?? end;
    if (!page.pageInfo.hasNextPage) return { entries, end: end! };
  }
}

const verdictChangesIn = (entries: LogEntry[], claimId?: string) =>
  entries.filter((entry) => entry.type === 'VERDICT_CHANGED' && (!claimId || entry.claim?.id === claimId));

const cursorsOf = (messages: LiveMessage[], field: 'verdictChanged' | 'activity') =>
  messages.map((message) => {
    expect(message.errors).toBeUndefined();
    return message.data[field].cursor as string;
  });

/** Two instances sharing one new PostgreSQL database; stop() stops both and drops it. */
async function startTwoInstances() {
  const database = await createTestDatabase();
  // Info lines: each instance says when its log listener reconnected.
  const [a, b] = await Promise.all([startTestServer({ LOG_LEVEL: 'info' }, database), startTestServer({ LOG_LEVEL: 'info' }, database)]);
  return {
    a,
    b,
    databaseName: new URL(database.env.DATABASE_URL).pathname.slice(1),
    async stop() {
      await a.server.stop();
      await b.stop();
    },
  };
}

const ratings = ['TRUE', 'FALSE', 'MIXED', 'MISLEADING'] as const;

/**
 * One round of voting: the reviewers vote at once, each on every claim in turn, through the
 * instances in turn. Each reviewer's rating differs from its rating of the round before, so
 * every vote changes the claim's tally, hence its verdict.
 */
async function voteRound(urls: string[], reviewers: Member[], claimIds: string[], round: number) {
  await Promise.all(
    reviewers.map(async (reviewer, i) => {
      const api = new ApiClient(urls[(i + round) % urls.length], reviewer.token);
      for (const claimId of claimIds) {
        ok(await api.op('CastVote', { input: { claimId, rating: ratings[(i + round) % ratings.length] } }));
      }
    }),
  );
}

/** A world with an event, its claims and its reviewers, built through instance `url`. */
async function buildEvent(url: string, claims: number, reviewers: number) {
  const world = await World.create(url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 3 });
  const claimIds: string[] = [];
  for (let i = 0; i < claims; i++) claimIds.push(await world.submitClaim(editor, eventId, `Claim ${i}: shots heard near the Akimat`));
  const members = await Promise.all(Array.from({ length: reviewers }, (_, i) => world.reviewer(`Desk ${i}`)));
  return { world, editor, eventId, claimIds, reviewers: members };
}

async function withAdmin<T>(use: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.end();
  }
}

const listenersQuery = `SELECT pid FROM pg_stat_activity WHERE application_name = 'verification-backend-listen' AND datname = $1`;

/** The pids of the instances' listening connections to the database. */
const listeningPids = (databaseName: string) =>
  withAdmin(async (admin) => (await admin.query(listenersQuery, [databaseName])).rows.map((row) => row.pid as number));

/** Terminates every listening connection to the database, as a failover or an idle-killer would. */
const killListeners = (databaseName: string) =>
  withAdmin(async (admin) => {
    const { rows } = await admin.query(`SELECT pid, pg_terminate_backend(pid) AS killed FROM (${listenersQuery}) l`, [databaseName]);
    return rows.filter((row) => row.killed).map((row) => row.pid as number);
  });

(onPostgres ? test : test.skip)('on PostgreSQL only: subscribers on one instance receive the verdict changes of votes cast through both, in order, each once', async () => {
  const instances = await startTwoInstances();
  const { a, b } = instances;
  try {
    const { world, eventId, claimIds, reviewers } = await buildEvent(a.url, 3, 10);
    const { end: after } = await readLog(world.anonymous, eventId);
    const onB = liveClient(b.url);
    const onA = liveClient(a.url);
    const eventChangesOnB = collect(onB.client, 'OnVerdictChanged', { eventId, after });
    const claimChangesOnA = collect(onA.client, 'OnVerdictChanged', { claimId: claimIds[0], after });

    for (let round = 0; round < 3; round++) await voteRound([a.url, b.url], reviewers, claimIds, round);

    const { entries } = await readLog(world.anonymous, eventId, after);
    const changes = verdictChangesIn(entries);
    expect(changes).toHaveLength(3 * 10 * 3);
    expect(cursorsOf(await eventChangesOnB.take(changes.length), 'verdictChanged')).toEqual(changes.map((entry) => entry.cursor));
    const claimChanges = verdictChangesIn(entries, claimIds[0]);
    expect(cursorsOf(await claimChangesOnA.take(claimChanges.length), 'verdictChanged')).toEqual(claimChanges.map((entry) => entry.cursor));
    // Each claim's versions follow one another, whichever instance took the vote.
    for (const claimId of claimIds) {
      const versions = eventChangesOnB.messages.filter((m) => m.data.verdictChanged.claim.id === claimId).map((m) => m.data.verdictChanged);
      expect(versions.map((change) => change.verdict.version)).toEqual(versions.map((_, i) => i + 1));
      expect(versions.map((change) => change.previous.version)).toEqual(versions.map((_, i) => i));
    }
    expect(eventChangesOnB.messages).toHaveLength(changes.length);
    expect(claimChangesOnA.messages).toHaveLength(claimChanges.length);
    await Promise.all([onA.dispose(), onB.dispose()]);
  } finally {
    await instances.stop();
  }
});

(onPostgres ? test : test.skip)('on PostgreSQL only: a client that leaves one instance resumes on the other from its last cursor, missing nothing and repeating nothing', async () => {
  const instances = await startTwoInstances();
  const { a, b } = instances;
  const both = [a.url, b.url];
  try {
    const { world, eventId, claimIds, reviewers } = await buildEvent(a.url, 2, 4);
    const { end: after } = await readLog(world.anonymous, eventId);
    const onA = liveClient(a.url);
    const first = collect(onA.client, 'OnActivity', { eventId, after });
    await voteRound(both, reviewers, claimIds, 0);
    const { entries: roundZero } = await readLog(world.anonymous, eventId, after);
    // It leaves halfway through what it could have received.
    await first.take(Math.floor(roundZero.length / 2));
    await onA.dispose();
    const seenOnA = cursorsOf([...first.messages], 'activity');
    expect(seenOnA).toEqual(roundZero.slice(0, seenOnA.length).map((entry) => entry.cursor));

    await voteRound(both, reviewers, claimIds, 1);
    const onB = liveClient(b.url);
    const resumed = collect(onB.client, 'OnActivity', { eventId, after: seenOnA.at(-1) });
    await voteRound(both, reviewers, claimIds, 2);

    const { entries: missed } = await readLog(world.anonymous, eventId, seenOnA.at(-1));
    expect(cursorsOf(await resumed.take(missed.length), 'activity')).toEqual(missed.map((entry) => entry.cursor));
    expect(resumed.messages).toHaveLength(missed.length);
    const { entries: all } = await readLog(world.anonymous, eventId, after);
    expect([...seenOnA, ...cursorsOf(resumed.messages, 'activity')]).toEqual(all.map((entry) => entry.cursor));
    await onB.dispose();
  } finally {
    await instances.stop();
  }
});

(onPostgres ? test : test.skip)('on PostgreSQL only: when the listening connections are killed while votes go on, subscribers still receive every change once, in order', async () => {
  const instances = await startTwoInstances();
  const { a, b, databaseName } = instances;
  const both = [a.url, b.url];
  try {
    const { world, eventId, claimIds, reviewers } = await buildEvent(a.url, 3, 6);
    const { end: after } = await readLog(world.anonymous, eventId);
    const onA = liveClient(a.url);
    const onB = liveClient(b.url);
    const changesOnA = collect(onA.client, 'OnVerdictChanged', { eventId, after });
    const changesOnB = collect(onB.client, 'OnVerdictChanged', { eventId, after });

    await voteRound(both, reviewers, claimIds, 0);
    const killed: number[] = [];
    for (const round of [1, 2]) {
      const voting = voteRound(both, reviewers, claimIds, round);
      killed.push(...(await killListeners(databaseName)));
      await voting;
    }
    expect(killed.length).toBeGreaterThanOrEqual(2);
    // Both instances listen again, on new connections: looked at again as each says it reconnected.
    const listeningAgain = async () => {
      const pids = await listeningPids(databaseName);
      return pids.length === 2 && pids.every((pid) => !killed.includes(pid));
    };
    const reconnections = new EventEmitter();
    const reconnected = (line: { msg: string }) => line.msg === 'log listener reconnected' && reconnections.emit('line');
    a.logs.on('line', reconnected);
    b.logs.on('line', reconnected);
    await until(reconnections, 'line', listeningAgain, 'both instances listening on new connections');
    // A last round after the reconnection: anything a resync repeated would come before it.
    await voteRound(both, reviewers, claimIds, 3);

    const changes = verdictChangesIn((await readLog(world.anonymous, eventId, after)).entries);
    expect(changes).toHaveLength(4 * 6 * 3);
    for (const subscriber of [changesOnA, changesOnB]) {
      expect(cursorsOf(await subscriber.take(changes.length), 'verdictChanged')).toEqual(changes.map((entry) => entry.cursor));
      expect(subscriber.messages).toHaveLength(changes.length);
    }
    await Promise.all([onA.dispose(), onB.dispose()]);
  } finally {
    await instances.stop();
  }
});

/**
 * Each entry's result carries the evidence of its claim or of the claim's original (about 50 KB
 * in the test below), so a few dozen results fill the socket buffers.
 */
const activityWithEvidence = /* GraphQL */ `
  subscription ActivityWithEvidence($eventId: ID!, $after: String) {
    activity(eventId: $eventId, after: $after) {
      cursor
      claim {
        ...Excerpts
        duplicateOf {
          ...Excerpts
        }
      }
    }
  }
  fragment Excerpts on Claim {
    evidence(first: 20) {
      edges {
        node {
          excerpt
        }
      }
    }
  }
`;

/** A reader's selection that takes no database read per entry, so it keeps pace with any writer. */
const activityCursors = /* GraphQL */ `
  subscription ActivityCursors($eventId: ID!, $after: String) {
    activity(eventId: $eventId, after: $after) {
      cursor
      type
    }
  }
`;

/**
 * A raw graphql-transport-ws client that subscribes and then stops reading its socket, as a
 * stalled browser tab would; resume() reads again.
 */
async function stalledSubscriber(httpUrl: string, query: string, variables: Record<string, unknown>) {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const results: { data: { activity: { cursor: string } } }[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const acknowledged = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') resolve();
      else if (message.type === 'next') results.push(message.payload);
    });
    socket.on('error', reject);
    void closed.then(() => reject(new Error('closed before connection_ack')));
  });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await acknowledged;
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  socket.pause();
  return { results, closed, resume: () => socket.resume() };
}

test(`a subscriber that stops reading is cut off with ${LiveCloseCode.SlowConsumer} once its socket holds more than ${SocketLimits.cutOffAboveBytes / 1024 / 1024} MB unsent, while the others receive every entry`, async () => {
  // The stalled socket answers no ping: a keep-alive far beyond the test's length leaves the bound alone to close it.
  const server = await startTestServer({ WS_KEEPALIVE: '600' });
  try {
    const { world, editor, eventId, claimIds, reviewers } = await buildEvent(server.url, 41, 4);
    const [original, ...duplicates] = claimIds;
    const excerpt = 'Eyewitness account from Almaty, as transcribed. '.repeat(200).slice(0, 10_000);
    for (let i = 0; i < 5; i++) ok(await editor.api.op('AddEvidence', { input: { claimId: original, stance: 'SUPPORTS', excerpt } }));
    // A vote on the original then changes its verdict and its 40 duplicates': 42 entries at once.
    for (const claimId of duplicates) ok(await editor.api.op('MarkDuplicate', { input: { claimId, duplicateOfId: original } }));
    const { end: after } = await readLog(world.anonymous, eventId);
    const reader = liveClient(server.url);
    const everything = collect(reader.client, 'ActivityCursors', { eventId, after }, activityCursors);
    const stalled = await stalledSubscriber(server.url, activityWithEvidence, { eventId, after });

    // One vote at a time, and the reader has every entry before the next: it never falls
    // behind. The stalled subscriber's results fill the kernel's socket buffers (megabytes on
    // loopback), then the server's, until the bound cuts it off; it then reads what was sent
    // (within ws's close timeout) and, last, the close frame.
    let entries: LogEntry[] = [];
    for (let i = 0; (await Scrape.of(server.url)).value('websocket_slow_consumers_total') === 0; i++) {
      if (i === 200) throw new Error('200 votes and the stalled subscriber was never cut off');
      const rating = ratings[Math.floor(i / reviewers.length) % 2];
      ok(await reviewers[i % reviewers.length].api.op('CastVote', { input: { claimId: original, rating } }));
      entries = [...entries, ...(await readLog(world.anonymous, eventId, entries.at(-1)?.cursor ?? after)).entries];
      expect(cursorsOf(await everything.take(entries.length), 'activity')).toEqual(entries.map((entry) => entry.cursor));
    }

    stalled.resume();
    const closed = await stalled.closed;
    expect(closed.code).toBe(LiveCloseCode.SlowConsumer);
    // What it did receive is the start of the log, in order; the rest it resumes by cursor.
    const received = stalled.results.map((result) => result.data.activity.cursor);
    expect(received).toEqual(entries.slice(0, received.length).map((entry) => entry.cursor));
    expect(received.length).toBeLessThanOrEqual(entries.length);
    console.log(`slow consumer: cut off after ${entries.length} entries, having read ${received.length} (a socket's bound: ${SocketLimits.cutOffAboveBytes} bytes unsent)`);
    expect(everything.messages).toHaveLength(entries.length);
    expect(reader.closes).toEqual([]);
    const rest = entries.slice(received.length);
    const resumed = collect(reader.client, 'ActivityCursors', { eventId, after: received.at(-1) }, activityCursors);
    expect(cursorsOf(await resumed.take(rest.length), 'activity')).toEqual(rest.map((entry) => entry.cursor));
    await reader.dispose();
  } finally {
    await server.stop();
  }
});

test(`stopping a server closes its live sockets with ${LiveCloseCode.GoingAway} after what was already sent${onPostgres ? ', and the client resumes on the other instance' : ''}`, async () => {
  const instances = onPostgres ? await startTwoInstances() : undefined;
  const a = instances?.a ?? (await startTestServer());
  const b = instances?.b;
  try {
    const { world, eventId, claimIds, reviewers } = await buildEvent(a.url, 2, 3);
    const { end: after } = await readLog(world.anonymous, eventId);
    const onA = liveClient(a.url);
    const changes = collect(onA.client, 'OnVerdictChanged', { eventId, after });
    await voteRound([a.url], reviewers, claimIds, 0);
    const { entries: roundZero } = await readLog(world.anonymous, eventId, after);
    await changes.take(verdictChangesIn(roundZero).length);
    // More changes, then the stop at once: some may be on the way, some not yet sent.
    await voteRound([a.url], reviewers, claimIds, 1);
    const untilStop = verdictChangesIn((await readLog(world.anonymous, eventId, after)).entries);
    await a.server.stop();
    await expect(changes.take(Number.POSITIVE_INFINITY)).rejects.toThrow('subscription failed');
    expect(onA.closes).toEqual([{ code: LiveCloseCode.GoingAway, reason: 'Going away' }]);
    const seenOnA = cursorsOf(changes.messages, 'verdictChanged');
    expect(seenOnA).toEqual(untilStop.slice(0, seenOnA.length).map((entry) => entry.cursor));
    if (!b) return;

    const onB = liveClient(b.url);
    const resumed = collect(onB.client, 'OnVerdictChanged', { eventId, after: seenOnA.at(-1) });
    await voteRound([b.url], reviewers, claimIds, 2);
    const all = verdictChangesIn((await readLog(new ApiClient(b.url), eventId, after)).entries);
    const rest = all.slice(seenOnA.length);
    expect(cursorsOf(await resumed.take(rest.length), 'verdictChanged')).toEqual(rest.map((entry) => entry.cursor));
    expect(resumed.messages).toHaveLength(rest.length);
    await onB.dispose();
  } finally {
    await (instances ? instances.stop() : a.stop());
  }
});
