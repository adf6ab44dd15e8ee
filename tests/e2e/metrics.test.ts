import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config';
import { errorCode, ok } from '../support/client';
import { collect, liveClient } from '../support/live-client';
import { Scrape } from '../support/metrics';
import { expectRefused } from '../support/refusals';
import { startTestServer, TestServer } from '../support/test-server';
import { until } from '../support/until';
import { World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  // Debug lines say when a subscription opened or completed, and a socket closed: the gauges have moved by then.
  server = await startTestServer({ LOG_LEVEL: 'debug' });
});
afterAll(() => server?.stop());

const http = (type: string, operation: string) => ({ transport: 'http', type, operation });
const ws = (type: string, operation: string) => ({ transport: 'ws', type, operation });

/** The server's debug line `msg` for the operation named `operationName` (logged after the gauge moved). */
const loggedFor = (msg: string, operationName: string) =>
  server.logs.find((line) => line.msg === msg && line.operationName === operationName, `"${msg}" for ${operationName}`);

test('operations, errors by code and committed votes move the counters of GET /metrics', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const reviewer = await world.reviewer();
  const eventId = await world.openEvent(editor);
  const claimId = await world.submitClaim(reviewer, eventId, 'Banks in Almaty are closed');
  const before = await Scrape.of(server.url);

  await world.vote(reviewer, claimId, 'FALSE');
  await world.vote(editor, claimId, 'FALSE');
  await world.vote(reviewer, claimId, 'MISLEADING'); // replaces the reviewer's first vote
  expect(errorCode(await world.anonymous.op('CastVote', { input: { claimId, rating: 'TRUE' } }))).toBe('UNAUTHENTICATED');
  expectRefused(await reviewer.api.op('OpenEvent', { input: { title: 'Not mine to open', region: 'Kazakhstan' } }), 'FORBIDDEN');
  expectRefused(await world.anonymous.op('ClaimDetail', { id: 'no-such-claim' }), 'NOT_FOUND');
  expectRefused(await world.anonymous.query('{ noSuchField }'), 'GRAPHQL_VALIDATION_FAILED');
  expectRefused(await world.anonymous.as('not-a-token').op('Events'), 'UNAUTHENTICATED');
  // The operation name is the client's to choose; the label is the schema's root field.
  const chosenName = `Name${randomBytes(4).toString('hex')}`;
  ok(await world.anonymous.request({ query: `query ${chosenName} { events { totalCount } }`, operationName: chosenName }));

  const after = await Scrape.of(server.url);
  expect(after.since(before, 'graphql_requests_total', http('mutation', 'castVote'))).toBe(4);
  expect(after.since(before, 'graphql_request_duration_seconds_count', http('mutation', 'castVote'))).toBe(4);
  expect(after.since(before, 'votes_cast_total', { rating: 'FALSE' })).toBe(2);
  expect(after.since(before, 'votes_cast_total', { rating: 'MISLEADING' })).toBe(1);
  expect(after.since(before, 'votes_cast_total', { rating: 'TRUE' })).toBe(0);
  expect(after.since(before, 'graphql_errors_total', { ...http('mutation', 'castVote'), code: 'UNAUTHENTICATED' })).toBe(1);
  expect(after.since(before, 'graphql_errors_total', { ...http('mutation', 'openEvent'), code: 'FORBIDDEN' })).toBe(1);
  expect(after.since(before, 'graphql_errors_total', { ...http('query', 'claim'), code: 'NOT_FOUND' })).toBe(1);
  expect(after.since(before, 'graphql_errors_total', { ...http('unknown', 'other'), code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
  // A bad token is refused while the context is made, before any operation is read.
  expect(after.since(before, 'graphql_errors_total', { ...http('unknown', 'other'), code: 'UNAUTHENTICATED' })).toBe(1);
  expect(after.since(before, 'graphql_requests_total', http('query', 'events'))).toBe(1);
  expect(after.keysOf('graphql_requests_total').join('\n')).not.toContain(chosenName);
  expect(after.since(before, 'http_requests_total', { method: 'POST', route: '/graphql', status: '200' })).toBe(7);
  expect(after.since(before, 'http_requests_total', { method: 'POST', route: '/graphql', status: '400' })).toBe(1);
  expect(after.since(before, 'http_requests_total', { method: 'POST', route: '/graphql', status: '401' })).toBe(1);
  expect(after.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  expect(after.keysOf('nodejs_eventloop_lag_seconds')).toHaveLength(1);

  const castVoteSeconds = after.since(before, 'graphql_request_duration_seconds_sum', http('mutation', 'castVote'));
  console.log(
    `metrics: castVote +${after.since(before, 'graphql_requests_total', http('mutation', 'castVote'))} requests ` +
      `(${((castVoteSeconds / 4) * 1000).toFixed(1)} ms mean), votes_cast_total FALSE +2 MISLEADING +1, ` +
      `${after.keysOf('graphql_errors_total').length} error series, ${after.keysOf('graphql_requests_total').length} request series`,
  );
});

test('the open-socket and active-subscription gauges follow a real graphql-ws client; live messages are timed', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor);
  const claimId = await world.submitClaim(editor, eventId, 'Russian troops have invaded Kazakhstan');
  const base = await Scrape.of(server.url);
  const sockets = (scrape: Scrape) => scrape.since(base, 'websocket_sockets_open');
  const subscriptions = (scrape: Scrape) => scrape.since(base, 'graphql_subscriptions_active');

  const live = liveClient(server.url);
  const activity = collect(live.client, 'OnActivity', { eventId });
  const verdicts = collect(live.client, 'OnVerdictChanged', { eventId });
  await Promise.all([loggedFor('subscription opened', 'OnActivity'), loggedFor('subscription opened', 'OnVerdictChanged')]);
  const opened = await Scrape.of(server.url);
  expect(subscriptions(opened)).toBe(2);
  expect(sockets(opened)).toBe(1);
  expect(opened.since(base, 'graphql_requests_total', ws('subscription', 'activity'))).toBe(1);
  expect(opened.since(base, 'graphql_requests_total', ws('subscription', 'verdictChanged'))).toBe(1);

  // Queries over the socket are counted and timed too, and their errors by code.
  await collect(live.client, 'Events', {}).take(1);
  expect((await collect(live.client, 'ClaimDetail', { id: 'no-such-claim' }).take(1))[0].errors?.[0].extensions?.code).toBe('NOT_FOUND');

  await world.vote(editor, claimId, 'FALSE');
  await activity.take(2); // VOTE_CAST, VERDICT_CHANGED
  await verdicts.take(1);
  // Each message is timed as it is handed to the socket, so before the client read it.
  const delivered = await Scrape.of(server.url);
  expect(delivered.since(base, 'live_fanout_delay_seconds_count')).toBe(3);
  expect(delivered.since(base, 'graphql_request_duration_seconds_count', ws('query', 'events'))).toBe(1);
  expect(delivered.since(base, 'graphql_errors_total', { ...ws('query', 'claim'), code: 'NOT_FOUND' })).toBe(1);
  expect(subscriptions(delivered)).toBe(2); // the queries came and went

  activity.unsubscribe();
  await loggedFor('operation completed', 'OnActivity');
  expect(subscriptions(await Scrape.of(server.url))).toBe(1);
  const connectionId = (await loggedFor('subscription opened', 'OnActivity')).requestId.split(':')[0];
  void live.dispose();
  await Promise.all([
    loggedFor('operation completed', 'OnVerdictChanged'),
    server.logs.find((line) => line.msg === 'socket closed' && line.connectionId === connectionId, 'the socket closed'),
  ]);
  const closed = await Scrape.of(server.url);
  expect(sockets(closed)).toBe(0);
  expect(subscriptions(closed)).toBe(0);
  expect(closed.value('graphql_subscriptions_active')).toBe(base.value('graphql_subscriptions_active'));

  const count = delivered.since(base, 'live_fanout_delay_seconds_count');
  const seconds = delivered.since(base, 'live_fanout_delay_seconds_sum');
  console.log(
    `live: sockets open ${base.value('websocket_sockets_open')} -> ${opened.value('websocket_sockets_open')} -> ${closed.value('websocket_sockets_open')}, ` +
      `subscriptions ${base.value('graphql_subscriptions_active')} -> ${opened.value('graphql_subscriptions_active')} -> ${closed.value('graphql_subscriptions_active')}; ` +
      `fan-out delay of ${count} live messages: ${((seconds / count) * 1000).toFixed(1)} ms mean (entry written -> handed to its socket)`,
  );
});

test("errors in a subscription's results are counted by code, once for every client they are sent to", async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor);
  // A cursor that is no cursor fails each result, not the subscribing: the field runs per entry.
  const query = `subscription BadPage($eventId: ID!) { activity(eventId: $eventId) { type event { claims(after: "not-a-cursor") { totalCount } } } }`;
  const base = await Scrape.of(server.url);
  const failed = (scrape: Scrape) => scrape.since(base, 'graphql_errors_total', { ...ws('subscription', 'activity'), code: 'BAD_USER_INPUT' });
  const sockets = [liveClient(server.url), liveClient(server.url)];
  try {
    const subscribers = sockets.map((live) => collect(live.client, 'BadPage', { eventId }, query));
    const opened = (line: Record<string, unknown>) => line.msg === 'subscription opened' && line.operationName === 'BadPage';
    await until(server.logs, 'line', () => server.logs.count(opened) === 2, 'two BadPage subscriptions opened');

    await world.submitClaim(editor, eventId, 'The airport of Almaty was seized');
    for (const subscriber of subscribers) {
      const [result] = await subscriber.take(1);
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    // Counted as each result is written to its socket: before the client could read it.
    const counted = await Scrape.of(server.url);
    expect(failed(counted)).toBe(2);
    expect(counted.since(base, 'live_payloads_rendered_total')).toBe(1); // rendered once for both
  } finally {
    for (const live of sockets) await live.dispose();
  }
});

test('with METRICS_TOKEN set, /metrics answers only to that bearer token', async () => {
  const token = randomBytes(24).toString('hex');
  const guarded = await startTestServer({ METRICS_TOKEN: token });
  try {
    const metricsUrl = guarded.url.replace(/\/graphql$/, '/metrics');
    const statusWith = async (headers: Record<string, string>) => (await fetch(metricsUrl, { headers })).status;
    expect(await statusWith({})).toBe(401);
    expect(await statusWith({ authorization: `Bearer ${token.slice(1)}x` })).toBe(401);
    expect(await statusWith({ authorization: token })).toBe(401);
    const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('# TYPE graphql_requests_total counter');
    // The open server of the other tests needs none.
    expect((await fetch(server.url.replace(/\/graphql$/, '/metrics'))).status).toBe(200);
  } finally {
    await guarded.stop();
  }
  expect(() => loadConfig({ METRICS_TOKEN: 'too-short' })).toThrow('METRICS_TOKEN: must be at least 16 characters');
});
