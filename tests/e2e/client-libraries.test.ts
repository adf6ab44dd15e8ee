import { ApolloClient, gql, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ok } from '../support/client';
import { flakyLink } from '../support/flaky-link';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

// Apollo Client 4 and urql as a front end uses them, against a real server. Both resubscribe
// after a reconnect with the variables of their first subscribe; the README's resume recipe
// carries the last cursors in connectionParams, which graphql-ws reads at every connect.

let server: TestServer;
let world: World;
let editor: Member;
beforeAll(async () => {
  server = await startTestServer();
  world = await World.create(server.url);
  editor = await world.editor();
});
afterAll(() => server?.stop());

const follow = `subscription FollowEvent($eventId: ID!, $after: String) {
  activity(eventId: $eventId, after: $after) { cursor type claim { id } }
}`;

/** The README's recipe: the last cursor seen of each followed event, sent at every (re)connect. */
function resumingSocket(url: string, token: string, lastCursors: Map<string, string>, onConnected: () => void): WsClient {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: () => ({ authorization: `Bearer ${token}`, activityAfter: [...lastCursors.values()] }),
    retryAttempts: Infinity,
    shouldRetry: () => true, // a refused connection too: the link may stay down for minutes
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
    on: { connected: onConnected },
  });
}

/** Cursors as they arrive; until(n) waits for the n-th (at most 15 s). */
function arrivals() {
  const cursors: string[] = [];
  let wake = () => {};
  return {
    cursors,
    push(cursor: string) {
      cursors.push(cursor);
      wake();
    },
    async until(count: number) {
      const deadline = Date.now() + 15_000;
      while (cursors.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out with ${cursors.length} of ${count} entries`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}

/** Every cursor of the event's log after `after`, as ActivitySince pages it. */
async function loggedCursors(eventId: string, after: string | null): Promise<string[]> {
  const page = ok(await world.anonymous.op('ActivitySince', { eventId, after, first: 100 })).activity;
  return page.edges.map((edge: { cursor: string }) => edge.cursor);
}

/**
 * A client follows an event through a blackout: it sees a vote, the link goes down, votes are
 * cast meanwhile, the link comes back and the client reconnects by itself. It must receive the
 * log after its starting cursor exactly once each, in order, with no gap.
 */
async function throughBlackout(start: (url: string, eventId: string, after: string | null, seen: ReturnType<typeof arrivals>, connected: () => void) => () => void) {
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, eventId, 'Internet is back in Almaty for minutes at a time');
  const after = (await loggedCursors(eventId, null)).at(-1)!;
  const link = await flakyLink(server.url);
  const seen = arrivals();
  let connections = 0;
  const stop = start(link.url, eventId, after, seen, () => void connections++);
  try {
    await world.vote(editor, claimId, 'TRUE');
    await seen.until((await loggedCursors(eventId, after)).length);

    await link.down(); // the blackout: a vote changed and a second one cast while this client is away
    await world.vote(editor, claimId, 'FALSE');
    await world.vote((await world.reviewer()), claimId, 'MISLEADING');
    await link.up();

    const expected = await loggedCursors(eventId, after);
    await seen.until(expected.length);
    expect(seen.cursors).toEqual(expected);
    expect(connections).toBeGreaterThanOrEqual(2);
  } finally {
    stop();
    await link.close();
  }
}

test('Apollo Client 4 (GraphQLWsLink): after an automatic reconnect the activity resumes from the last cursor seen, each entry once, no gap', async () => {
  await throughBlackout((url, eventId, after, seen, connected) => {
    const lastCursors = new Map<string, string>();
    const socket = resumingSocket(url, editor.token, lastCursors, connected);
    const apollo = new ApolloClient({ link: new GraphQLWsLink(socket), cache: new InMemoryCache() });
    const subscription = apollo.subscribe<{ activity: { cursor: string } }>({ query: gql(follow), variables: { eventId, after } }).subscribe({
      next: ({ data }) => {
        lastCursors.set(eventId, data!.activity.cursor);
        seen.push(data!.activity.cursor);
      },
    });
    return () => {
      subscription.unsubscribe();
      void socket.dispose();
    };
  });
});

test('urql (subscriptionExchange over graphql-ws): after an automatic reconnect the activity resumes from the last cursor seen, each entry once, no gap', async () => {
  await throughBlackout((url, eventId, after, seen, connected) => {
    const lastCursors = new Map<string, string>();
    const socket = resumingSocket(url, editor.token, lastCursors, connected);
    const urql = new UrqlClient({
      url,
      exchanges: [
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: socket.subscribe({ ...request, query: request.query ?? '' }, sink) }),
          }),
        }),
      ],
    });
    const subscription = urql.subscription<{ activity: { cursor: string } }>(follow, { eventId, after }).subscribe(({ data, error }) => {
      if (error) throw error;
      lastCursors.set(eventId, data!.activity.cursor);
      seen.push(data!.activity.cursor);
    });
    return () => {
      subscription.unsubscribe();
      void socket.dispose();
    };
  });
});

test("urql's default query, a GET, is served (no CSRF refusal) and its anonymous answer may be cached on the way", async () => {
  const eventId = await world.openEvent(editor);
  const sent: { method: string; cacheControl: string | null }[] = [];
  const urql = new UrqlClient({
    url: server.url,
    exchanges: [fetchExchange],
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      sent.push({ method: init?.method ?? 'GET', cacheControl: response.headers.get('cache-control') });
      return response;
    },
  });
  const result = await urql.query('query Board($eventId: ID!) { event(id: $eventId) { id title } }', { eventId }).toPromise();
  expect(result.error).toBeUndefined();
  expect(result.data.event).toMatchObject({ id: eventId, title: 'Unrest in Kazakhstan, January 2022' });
  expect(sent).toEqual([{ method: 'GET', cacheControl: 'public, max-age=10' }]);
});

test('a resume cursor that is not one is refused with BAD_USER_INPUT on the operation', async () => {
  const eventId = await world.openEvent(editor);
  const socket = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { activityAfter: ['not-a-cursor'] } });
  const errors = await new Promise<unknown>((resolve) =>
    socket.subscribe({ query: follow, variables: { eventId } }, { next: (message) => resolve(message.errors), error: resolve, complete: () => resolve(undefined) }),
  );
  expect(errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'activityAfter' } })]);
  await socket.dispose();
});
