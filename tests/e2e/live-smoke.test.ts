import type { ActivityEntity } from '../../src/entities/activity.entity';
import { LogFeed } from '../../src/live/log-feed';
import { decodeGlobalId } from '../../src/domain/global-id';
import { readLog } from '../../src/services/activity-log';
import { ok } from '../support/client';
import { collect, liveClient } from '../support/live-client';
import { startTestServer, TestServer } from '../support/test-server';
import { World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

test('a verdictChanged subscriber receives each verdict change of its event, in order', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, eventId, 'Shooting on Republic Square in Almaty');
  // From the end of the log as it is now: what follows arrives by replay or live, either way.
  const after = ok(await world.anonymous.op('ActivitySince', { eventId })).activity.pageInfo.endCursor;
  const live = liveClient(server.url);
  const changes = collect(live.client, 'OnVerdictChanged', { eventId, after });
  await world.vote(editor, claimId, 'TRUE');
  await world.vote(editor, claimId, 'MIXED');
  const [first, second] = await changes.take(2);
  expect(first.data.verdictChanged).toMatchObject({ claim: { id: claimId }, previous: { status: 'UNVERIFIED', version: 0 }, verdict: { status: 'CONSENSUS', rating: 'TRUE', version: 1 } });
  expect(second.data.verdictChanged.verdict).toMatchObject({ rating: 'MIXED', version: 2 });
  changes.unsubscribe();
  await live.dispose();
});

// The feed hands this instance's own commits on with the entries the transaction wrote, without
// reading them back; every other commit it reads from the log. Both must give the same.

/** Every field of an entry, with the verdict's in full. */
const everyField = `
  subscription Everything($eventId: ID!, $after: String) {
    activity(eventId: $eventId, after: $after) {
      cursor type at reason
      event { id }
      claim { id }
      actor { id displayName }
      verdict { status rating agreement voteCount tally { rating votes } version updatedAt publishedAt publishedBy { id } summary organizationCount explanation }
    }
  }`;

test('what a live subscriber is sent of a commit here is what a replay reads back from the stored log', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const reviewer = await world.reviewer();
  const eventId = await world.openEvent(editor, { quorum: 2 });
  const start = ok(await world.anonymous.op('ActivitySince', { eventId })).activity.pageInfo.endCursor;
  const live = liveClient(server.url, editor.token);
  const following = collect(live.client, 'Everything', { eventId, after: start }, everyField);
  const claimId = await world.submitClaim(editor, eventId, 'Looted ATMs in Almaty');
  const [submitted] = await following.take(1); // following has begun: what comes next is live

  await world.vote(editor, claimId, 'TRUE', { rationale: 'Footage matches the square' });
  await world.vote(reviewer, claimId, 'TRUE'); // a vote and the verdict it changes: two entries of one commit
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Confirmed by two newsrooms' } }));
  ok(await editor.api.op('ReopenClaim', { input: { claimId, reason: 'A new video contradicts it' } }));
  const logged = ok(await world.anonymous.op('ActivitySince', { eventId, after: submitted.data.activity.cursor })).activity.edges.length;
  const liveEntries = (await following.take(1 + logged)).slice(1);
  const types = liveEntries.map((message) => message.data.activity.type);
  expect(types.filter((type: string) => type !== 'VERDICT_CHANGED')).toEqual(['VOTE_CAST', 'VOTE_CAST', 'VERDICT_PUBLISHED', 'CLAIM_REOPENED']);
  expect(liveEntries.find((message) => message.data.activity.type === 'CLAIM_REOPENED')!.data.activity.reason).toBe('A new video contradicts it');

  const replaying = collect(live.client, 'Everything', { eventId, after: submitted.data.activity.cursor }, everyField);
  expect(await replaying.take(logged)).toEqual(liveEntries);
  following.unsubscribe();
  replaying.unsubscribe();
  await live.dispose();
});

test("an own commit that is not the log's next is read from the log, and one handed on twice is delivered once", async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const event = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, event, 'Russian troops landed in Almaty');
  const eventId = decodeGlobalId(event, 'Event');

  // A feed of the test's own, on the server's database: the commits below happen through the
  // server, and this feed hears of them only as the test tells it.
  const { app } = server.server;
  const feed = new LogFeed(app.dataSource, null, app.logger);
  const received: number[] = [];
  const waiters: { count: number; wake: () => void }[] = [];
  const { from } = await feed.follow(eventId, {
    entriesAppended(entries: readonly ActivityEntity[]) {
      received.push(...entries.map((entry) => entry.position));
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.wake();
    },
  });
  const receivedCount = (count: number) => new Promise<void>((wake) => (received.length >= count ? wake() : waiters.push({ count, wake })));
  /** The append of one commit, as the transaction that wrote positions `first` to `last` would tell it. */
  const appendOf = async (first: number, last: number) => ({ eventId, entries: await readLog(app.dataSource, eventId, first - 1, last - first + 1) });

  await world.vote(editor, claimId, 'TRUE'); // VOTE_CAST and VERDICT_CHANGED, at from + 1 and from + 2
  await world.vote(editor, claimId, 'FALSE'); // at from + 3 and from + 4
  const first = await appendOf(from + 1, from + 2);
  const second = await appendOf(from + 3, from + 4);

  feed.committed([second]); // told out of order: the feed reads both from the log
  feed.committed([first]);
  feed.committed([second]);
  await world.vote(editor, claimId, 'MIXED');
  feed.committed([await appendOf(from + 5, from + 6)]); // the next ones: handed on as they are
  await receivedCount(6);
  expect(received).toEqual([1, 2, 3, 4, 5, 6].map((n) => from + n));
  await feed.stop();
});
