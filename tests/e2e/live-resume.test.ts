import { EventEmitter } from 'node:events';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ok } from '../support/client';
import { flakyLink } from '../support/flaky-link';
import { startTestServer, TestServer } from '../support/test-server';
import { until } from '../support/until';
import { World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const query = `subscription ($eventId: ID, $after: String) {
  verdictChanged(eventId: $eventId, after: $after) { cursor verdict { version rating } claim { id } }
}`;

test("the README's client pattern: the link drops, the client reconnects by itself and resumes from its last cursor", async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, eventId, 'Communication comes back for minutes every 5-10 hours');
  const link = await flakyLink(server.url);

  let lastCursor: string | null = ok(await world.anonymous.op('ActivitySince', { eventId })).activity.pageInfo.endCursor;
  const seen: number[] = [];
  let reconnects = 0;
  const client = createClient({
    url: link.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: Infinity,
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 50)),
    on: { connected: () => void reconnects++ },
  });
  const arrivals = new EventEmitter();
  const waitFor = (versions: number) => until(arrivals, 'message', () => seen.length >= versions, `verdict version ${versions}`);
  const stop = client.subscribe<{ verdictChanged: { cursor: string; verdict: { version: number } } }>(
    {
      query,
      get variables() {
        return { eventId, after: lastCursor };
      },
    },
    {
      next: ({ data }) => {
        lastCursor = data!.verdictChanged.cursor;
        seen.push(data!.verdictChanged.verdict.version);
        arrivals.emit('message');
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );

  const ratings = ['TRUE', 'FALSE', 'MIXED', 'MISLEADING', 'TRUE', 'FALSE'];
  await world.vote(editor, claimId, ratings[0]);
  await world.vote(editor, claimId, ratings[1]);
  await waitFor(2);
  link.cut(); // the blackout: votes go on while this client is away
  for (const rating of ratings.slice(2)) await world.vote(editor, claimId, rating);
  await waitFor(6);

  expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  expect(reconnects).toBeGreaterThanOrEqual(2);
  stop();
  await client.dispose();
  await link.close();
});
