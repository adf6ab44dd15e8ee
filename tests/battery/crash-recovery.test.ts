import getPort from 'get-port';
import { ApiClient, ok } from '../support/client';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { collect } from '../support/live-client';
import { spawnServer, waitHealthy, type ServerProcess } from '../support/server-process';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/test-server';
import { World } from '../support/world';
import { expectGapless, positionOf, ratings, readLog, readVotes, type LogEntry, type RatingName } from './battery-support';

const database = onPostgres ? 'PostgreSQL' : 'PGlite';
let db: TestDatabase;
let port: number;
const running: ServerProcess[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  port = await getPort();
});
afterAll(async () => {
  for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await Promise.all(running.map((server) => server.exited));
  await db?.drop();
});

/** The built server in production, as its own process, on the test's database (same DATABASE_URL or DATA_DIR each time). */
async function startProcess(): Promise<ServerProcess> {
  const server = spawnServer({
    ...db.env,
    PORT: String(port),
    NODE_ENV: 'production',
    JWT_SECRET: 'crash-test-secret-that-is-long-enough-for-hs256',
  });
  running.push(server);
  await waitHealthy(server, port);
  return server;
}

/** A subscription that records the cursors it receives. */
function follow(url: string, operationName: 'OnVerdictChanged' | 'OnActivity', eventId: string, after: string | null, token?: string) {
  // Lazy, so that the socket's death with the server ends the subscription instead of being logged as an error.
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  const live = { dispose: () => client.dispose() };
  const subscription = collect(client, operationName, { eventId, after });
  const field = operationName === 'OnVerdictChanged' ? 'verdictChanged' : 'activity';
  const cursors = () => subscription.messages.map((message) => {
    if (message.errors) throw new Error(`${operationName}: ${JSON.stringify(message.errors)}`);
    return (message.data as Record<string, { cursor: string }>)[field].cursor;
  });
  return { live, subscription, cursors };
}

const reviewerCount = 16;
const claimCount = 4;
// Enough acknowledged votes that the kill lands in the middle of a steady burst.
const killAfter = 60;

test(`SIGKILL mid-burst on ${database}: after a restart on the same database every acknowledged vote is there, the log is gapless, and resumed subscribers get each later change once, in order`, async () => {
  const first = await startProcess();
  const url = `http://127.0.0.1:${port}/graphql`;
  const anonymous = new ApiClient(url);
  // Members are enrolled by invitation (World), so that the reviewers' votes count; the admin is the first account.
  const world = await World.create(url);
  const editor = await world.editor();
  const input = { title: 'Crash during unrest', region: 'Kazakhstan', policy: { quorum: 3, threshold: 0.6 } };
  const eventId = ok(await editor.api.op('OpenEvent', { input })).openEvent.event.id as string;
  const claimIds: string[] = [];
  for (let i = 0; i < claimCount; i++) {
    claimIds.push(ok(await editor.api.op('SubmitClaim', { input: { eventId, statement: `Crash claim ${i}: the TV tower was stormed` } })).submitClaim.claim.id);
  }
  const reviewers = [];
  for (let i = 0; i < reviewerCount; i++) reviewers.push(await world.reviewer(['Vlast.kz', 'Azattyq', 'KazTAG'][i % 3]));
  const setupCursor = ok(await anonymous.op('ActivitySince', { eventId, first: 100 })).activity.pageInfo.endCursor as string;

  // Subscribers that follow the burst from the end of the set-up, one anonymous, one signed in.
  const verdicts = follow(url, 'OnVerdictChanged', eventId, setupCursor);
  const activity = follow(url, 'OnActivity', eventId, setupCursor, editor.token);

  // The burst: every reviewer votes in sequence, claim after claim, each call changing its rating;
  // the server is killed from the callback of the killAfter-th acknowledgement, with calls in flight.
  const acknowledged = new Map<string, RatingName>(); // reviewer:claim -> last acknowledged rating
  const inFlight = new Map<string, { key: string; rating: RatingName }>(); // reviewer -> its unanswered call
  let acknowledgedCalls = 0;
  let killed = false;
  await Promise.all(
    reviewers.map(async (reviewer, r) => {
      for (let i = 0; !killed; i++) {
        const claimId = claimIds[(r + i) % claimCount];
        const rating = ratings[(r + i) % ratings.length];
        const key = `${reviewer.id}:${claimId}`;
        inFlight.set(reviewer.id, { key, rating });
        let response;
        try {
          response = await reviewer.api.op('CastVote', { input: { claimId, rating } });
        } catch {
          return; // the connection died with the server: this call's outcome is unknown
        }
        if (response.errors || !response.data) return; // refused (the server shutting down) or lost: not acknowledged
        inFlight.delete(reviewer.id);
        acknowledged.set(key, rating);
        acknowledgedCalls++;
        if (acknowledgedCalls === killAfter) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    }),
  );
  await first.exited;
  const seenBeforeKill = { verdicts: verdicts.cursors(), activity: activity.cursors() };
  await Promise.all([verdicts.live.dispose(), activity.live.dispose()]);

  // The same database, a new process: the data-directory lock of the killed one is taken over.
  const second = await startProcess();
  const log = await readLog(editor.api, eventId);
  expectGapless(log);

  // Every acknowledged vote is stored with its rating; a call whose answer never came may or may not have counted.
  const unknown = new Map([...inFlight.values()].map((call) => [call.key, call.rating]));
  const missing: string[] = [];
  for (const claimId of claimIds) {
    const stored = new Map((await readVotes(editor.api, claimId)).votes.map((vote) => [`${vote.reviewerId}:${claimId}`, vote.rating]));
    for (const [key, rating] of acknowledged) {
      if (!key.endsWith(claimId)) continue;
      const ok = stored.get(key) === rating || (unknown.has(key) && stored.get(key) === unknown.get(key));
      if (!ok) missing.push(`${key} acknowledged ${rating}, stored ${stored.get(key) ?? 'nothing'}`);
    }
  }
  const votesLogged = log.filter((entry) => entry.type === 'VOTE_CAST').length;

  // What the subscribers saw before the kill is exactly a prefix of the log that survived.
  const afterSetup = log.slice(positionOf(setupCursor));
  const expectedVerdicts = (from: number) => afterSetup.filter((entry) => entry.type === 'VERDICT_CHANGED' && positionOf(entry.cursor) > from);
  const survived = (seen: string[], entries: LogEntry[]) => seen.filter((cursor, i) => entries[i]?.cursor === cursor).length;

  // Resume each subscriber from its last cursor on the new process, then one more vote goes live.
  const verdictsAfter = seenBeforeKill.verdicts.at(-1) ?? setupCursor;
  const activityAfter = seenBeforeKill.activity.at(-1) ?? setupCursor;
  const resumedVerdicts = follow(url, 'OnVerdictChanged', eventId, verdictsAfter);
  const resumedActivity = follow(url, 'OnActivity', eventId, activityAfter, editor.token);
  ok(await reviewers[0].api.op('CastVote', { input: { claimId: claimIds[0], rating: 'UNVERIFIABLE' } }));
  ok(await reviewers[1].api.op('CastVote', { input: { claimId: claimIds[0], rating: 'UNVERIFIABLE' } }));
  const finalLog = await readLog(editor.api, eventId);
  expectGapless(finalLog);
  const wantVerdicts = finalLog.filter((entry) => entry.type === 'VERDICT_CHANGED' && positionOf(entry.cursor) > positionOf(verdictsAfter)).map((entry) => entry.cursor);
  const wantActivity = finalLog.filter((entry) => positionOf(entry.cursor) > positionOf(activityAfter)).map((entry) => entry.cursor);
  await resumedVerdicts.subscription.take(wantVerdicts.length, 30_000);
  await resumedActivity.subscription.take(wantActivity.length, 30_000);
  // One more vote, by a reviewer new to the claim (so its verdict changes too), after everything
  // expected: arriving last on both streams, it shows that nothing extra was queued in between.
  const latecomer = await world.reviewer('Vlast.kz');
  ok(await latecomer.api.op('CastVote', { input: { claimId: claimIds[1], rating: 'UNVERIFIABLE' } }));
  const sentinel = await readLog(editor.api, eventId, finalLog.at(-1)!.cursor);
  const sentinelVerdicts = sentinel.filter((entry) => entry.type === 'VERDICT_CHANGED').map((entry) => entry.cursor);
  await resumedVerdicts.subscription.take(wantVerdicts.length + sentinelVerdicts.length, 30_000);
  await resumedActivity.subscription.take(wantActivity.length + sentinel.length, 30_000);
  await Promise.all([resumedVerdicts.live.dispose(), resumedActivity.live.dispose()]);

  console.log(
    `crash (${database}): ${acknowledgedCalls} votes acknowledged before SIGKILL, ${unknown.size} in flight; ` +
      `after restart ${votesLogged} VOTE_CAST logged, log 1..${log.length} gapless, ${missing.length} acknowledged votes missing; ` +
      `subscribers saw ${seenBeforeKill.verdicts.length} verdict changes and ${seenBeforeKill.activity.length} entries before the kill ` +
      `(${survived(seenBeforeKill.verdicts, expectedVerdicts(0))} and ${survived(seenBeforeKill.activity, afterSetup)} still in the log), ` +
      `then ${wantVerdicts.length} and ${wantActivity.length} on resume`,
  );
  expect(missing).toEqual([]);
  expect(votesLogged).toBeGreaterThanOrEqual(acknowledgedCalls);
  expect(votesLogged).toBeLessThanOrEqual(acknowledgedCalls + unknown.size);
  expect(seenBeforeKill.verdicts).toEqual(expectedVerdicts(0).slice(0, seenBeforeKill.verdicts.length).map((entry) => entry.cursor));
  expect(seenBeforeKill.activity).toEqual(afterSetup.slice(0, seenBeforeKill.activity.length).map((entry) => entry.cursor));
  expect(resumedVerdicts.cursors()).toEqual([...wantVerdicts, ...sentinelVerdicts]);
  expect(resumedActivity.cursors()).toEqual([...wantActivity, ...sentinel.map((entry) => entry.cursor)]);
  expect(sentinelVerdicts).toHaveLength(1);
  // Positions equal the log's, so a repeat or a skip would show as a mismatch above; and the voted entries did arrive.
  expect(wantVerdicts.length).toBeGreaterThan(0);

  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 300_000);
