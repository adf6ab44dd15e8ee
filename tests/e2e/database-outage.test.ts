import { Client } from 'pg';
import { queryRows } from '../../src/db/statements/rows';
import { decodeGlobalId } from '../../src/domain/global-id';
import { ApiClient, ok } from '../support/client';
import { flakyLink } from '../support/flaky-link';
import { liveClient, overSocket, type Answer } from '../support/live-client';
import { rawRequest } from '../support/raw-http';
import { createTestDatabase, onPostgres, startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

// The server reaches PostgreSQL through a relay the test controls: down() refuses connections
// and drops those open, as a database restart or a lost network would. (PGlite runs inside the
// server's own process: it cannot be out of reach while the server runs.)
const onPostgresOnly = onPostgres ? test : test.skip;

let server: TestServer;
let link: Awaited<ReturnType<typeof flakyLink>>;
let world: World;
let editor: Member;
let claimId: string;
let eventId: string;
let databaseUrl: string;
beforeAll(async () => {
  if (!onPostgres) return;
  const database = await createTestDatabase();
  databaseUrl = database.env.DATABASE_URL;
  link = await flakyLink(database.env.DATABASE_URL);
  server = await startTestServer({}, { env: { DATABASE_URL: link.url }, drop: database.drop });
  world = await World.create(server.url);
  editor = await world.editor();
  eventId = await world.openEvent(editor, { quorum: 1 });
  claimId = await world.submitClaim(editor, eventId, 'Mobile networks are down in Almaty');
});
afterAll(async () => {
  await link?.up().catch(() => undefined);
  await server?.stop();
  await link?.close();
});

const expectUnavailable = (answer: Answer) => {
  expect(answer.data ?? null).toBeNull();
  expect(answer.errors).toEqual([
    expect.objectContaining({
      message: expect.stringMatching(/database cannot be reached.*nothing was written/),
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 5 },
    }),
  ]);
};

onPostgresOnly('on PostgreSQL only: while the database is out of reach, reads and writes answer 503 SERVICE_UNAVAILABLE with Retry-After over HTTP and an error over WebSocket; nothing is half-written, and all works again once it is back', async () => {
  const opened = liveClient(server.url, editor.token); // a socket open before the outage
  expect((await overSocket(opened.client, '{ viewer { id } }')).data?.viewer.id).toBeTruthy();
  await link.down();
  try {
    const anonymousRead = await rawRequest(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://desk.example.org' },
      body: JSON.stringify({ query: '{ events(first: 5) { totalCount } }' }),
    });
    expect(anonymousRead.status).toBe(503);
    expect(anonymousRead.headers['retry-after']).toBe('5');
    expect(anonymousRead.headers['access-control-expose-headers']).toMatch(/retry-after/i);
    expectUnavailable(JSON.parse(anonymousRead.text));

    // A public page: 503 with Retry-After as well, not a 500 that a reader or a crawler takes as final.
    const page = await fetch(new URL(`/events/${eventId}`, server.url));
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('5');
    expect(page.headers.get('cache-control')).toBe('no-store');

    // Signed in, the token's reviewer is read before anything runs: refused there.
    const vote = await editor.api.op('CastVote', { input: { claimId, rating: 'FALSE' } });
    expect(vote.status).toBe(503);
    expect(vote.headers.get('retry-after')).toBe('5');
    expectUnavailable(vote);
    const signUp = await world.anonymous.query('mutation ($input: SignUpInput!) { signUp(input: $input) { token } }', {
      input: { email: 'outage@example.org', password: 'a long enough password', displayName: 'Outage' },
    });
    expect(signUp.status).toBe(503);
    expectUnavailable(signUp);

    // Over WebSocket: an error on the operation, on a socket opened before or during the outage.
    const fresh = liveClient(server.url, editor.token);
    for (const socket of [opened, fresh]) {
      expectUnavailable(await overSocket(socket.client, '{ events(first: 5) { totalCount } }'));
      expectUnavailable(await overSocket(socket.client, 'subscription ($eventId: ID!) { activity(eventId: $eventId) { cursor } }', { eventId }));
    }
    expect(fresh.closes).toEqual([]);
    await fresh.dispose();
  } finally {
    await link.up();
  }

  // Back: nothing of the refused calls was written, and the same calls succeed.
  const claim = ok(await world.anonymous.query('query ($id: ID!) { claim(id: $id) { votes(first: 10) { totalCount } } }', { id: claimId })).claim;
  expect(claim.votes.totalCount).toBe(0);
  expect(ok(await new ApiClient(server.url).query('{ events(first: 5) { totalCount } }')).events.totalCount).toBeGreaterThan(0);
  expect((await world.vote(editor, claimId, 'FALSE')).vote.rating).toBe('FALSE');
  expect((await overSocket(opened.client, '{ viewer { id } }')).data?.viewer.id).toBeTruthy();
  await opened.dispose();
});

onPostgresOnly('on PostgreSQL only: a read outside a transaction whose connection drops mid-statement fails that read alone, the process goes on, and the next read gets a fresh connection', async () => {
  const tx = server.server.app.dataSource.manager;
  const statement = 'SELECT pg_sleep(60) AS slept';
  const reading = queryRows(tx, statement);
  const observer = new Client({ connectionString: databaseUrl });
  await observer.connect();
  try {
    // The statement runs on the database: its connection is checked out and waiting.
    const running = async () => (await observer.query('SELECT 1 FROM pg_stat_activity WHERE query = $1', [statement])).rowCount === 1;
    while (!(await running()));
  } finally {
    await observer.end();
  }
  link.cut();
  await expect(reading).rejects.toThrow(/terminated|ECONNRESET/i);
  expect(await queryRows<{ one: number }>(tx, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
});

// A COMMIT whose connection drops may have landed. To drop it at that moment, a deferred trigger
// on votes makes COMMIT wait for an advisory lock the test holds; the test cuts the link while
// it waits, then lets it finish (or fail).
describe('on PostgreSQL only: a vote whose COMMIT loses its connection', () => {
  const gate = 4242;
  let observer: Client;
  beforeAll(async () => {
    if (!onPostgres) return;
    observer = new Client({ connectionString: databaseUrl });
    await observer.connect();
    await observer.query(`
      CREATE FUNCTION held_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${gate});
        IF NEW.rating = 'MIXED' THEN RAISE EXCEPTION 'refused at commit'; END IF;
        RETURN NULL;
      END $$`);
    await observer.query(`
      CREATE CONSTRAINT TRIGGER held_commit AFTER INSERT OR UPDATE ON votes
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION held_commit()`);
  });
  afterAll(async () => {
    if (!onPostgres) return;
    await observer.query('DROP TRIGGER held_commit ON votes; DROP FUNCTION held_commit()');
    await observer.end();
  });

  /** Sends the vote; resolves once its COMMIT waits at the gate (and fails if it is answered first). */
  async function voteHeldAtCommit(rating: string) {
    await observer.query('SELECT pg_advisory_lock($1)', [gate]);
    let answered = false;
    const answer = editor.api.op('CastVote', { input: { claimId, rating } }).finally(() => (answered = true));
    const waiting = async () =>
      (await observer.query(`SELECT 1 FROM pg_stat_activity WHERE query = 'COMMIT' AND wait_event_type = 'Lock'`)).rowCount === 1;
    while (!(await waiting())) if (answered) throw new Error(`answered before its COMMIT: ${JSON.stringify(await answer)}`);
    return { answer };
  }
  const openGate = () => observer.query('SELECT pg_advisory_unlock($1)', [gate]);
  /** Waits for the held COMMIT to end: unlocking granted it the gate's shared lock, which it keeps until its transaction ends. */
  const commitEnded = async () => {
    await observer.query('SELECT pg_advisory_lock($1)', [gate]);
    await openGate();
  };
  const storedRating = async () => (await observer.query('SELECT rating FROM votes WHERE claim_id = $1', [decodeGlobalId(claimId, 'Claim')])).rows[0]?.rating;

  onPostgresOnly('committed after all: the vote is answered as done, and its verdict with it', async () => {
    const { answer } = await voteHeldAtCommit('MOSTLY_FALSE');
    link.cut();
    await openGate();
    const { castVote } = ok(await answer);
    expect(castVote.vote.rating).toBe('MOSTLY_FALSE');
    expect(castVote.claim.verdict.rating).toBe('MOSTLY_FALSE');
    expect(await storedRating()).toBe('MOSTLY_FALSE');
  });

  onPostgresOnly('rolled back after all: SERVICE_UNAVAILABLE, and nothing was written', async () => {
    const { answer } = await voteHeldAtCommit('MIXED');
    link.cut();
    await openGate();
    expectUnavailable(await answer);
    expect(await storedRating()).toBe('MOSTLY_FALSE');
  });

  onPostgresOnly('when the database cannot say: not SERVICE_UNAVAILABLE, which promises nothing was written, but an error that says the outcome is not known', async () => {
    const { answer } = await voteHeldAtCommit('TRUE');
    await link.down();
    try {
      const { data, errors } = await answer;
      expect(data ?? null).toBeNull();
      expect(errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/whether it was saved is not known\. Read it back before you try again\.$/),
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) },
        }),
      ]);
    } finally {
      await openGate();
      await link.up();
    }
    // It was, in fact: the commit finished once the gate opened.
    await commitEnded();
    const read = async () => ok(await world.anonymous.query('query ($id: ID!) { claim(id: $id) { verdict { rating } } }', { id: claimId })).claim.verdict.rating;
    expect(await storedRating()).toBe('TRUE');
    expect(await read()).toBe('TRUE');
  });
});
