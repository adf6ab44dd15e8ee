import { randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { ApiClient, contractDocument, ok, type GraphQLResponse } from '../support/client';
import { postgresRateLimitStore } from '../../src/db/statements/rate-limit-store';
import { liveClient } from '../support/live-client';
import { expectRefused } from '../support/refusals';
import { createTestDatabase, onPostgres, startTestServer, TestServer } from '../support/test-server';
import { World, type Member } from '../support/world';

// A server with low limits. Behind a "proxy" (TRUST_PROXY=1), each test makes its attempts from
// addresses of its own in X-Forwarded-For; the worlds are built from 127.0.0.1. Windows are
// long (60 s, 900 s): a test needs every attempt in one window.
const limits = {
  TRUST_PROXY: '1',
  RATE_LIMIT_MUTATIONS_PER_REVIEWER: '10',
  RATE_LIMIT_LOGIN_PER_EMAIL: '5',
  RATE_LIMIT_LOGIN_PER_IP: '20',
  // Above the aliased documents below, which the operation limits would otherwise refuse first.
  MAX_QUERY_ALIASES: '60',
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(limits);
});
afterAll(() => server?.stop());

const password = 'correct horse battery';
let addressCount = 0;
/** An address of the test's own (TEST-NET-3), as the trusted proxy reports it. */
const newAddress = () => `203.0.113.${++addressCount}`;

/** A contract operation sent from `address`, through the trusted proxy. */
const opFrom = (api: ApiClient, address: string, operationName: string, variables: Record<string, unknown> = {}) =>
  api.request<any>({ query: contractDocument, operationName, variables }, { 'x-forwarded-for': address });

/** A document of the test's own sent from `address`. */
const queryFrom = (api: ApiClient, address: string, query: string, variables: Record<string, unknown> = {}) =>
  api.request<any>({ query, variables }, { 'x-forwarded-for': address });

/** A new account with a known email, signed up from `address`. */
async function account(url: string, address: string) {
  const email = `r-${randomBytes(6).toString('hex')}@example.org`;
  const input = { email, password, displayName: 'Saule', organization: 'Vlast.kz' };
  const data = ok(await opFrom(new ApiClient(url), address, 'SignUp', { input }));
  return { email, token: data.signUp.token as string };
}

/** Asserts a RATE_LIMITED refusal, over HTTP with status 429 and a matching Retry-After; returns retryAfter. */
function expectRateLimited(response: GraphQLResponse): number {
  const error = expectRefused(response, 'RATE_LIMITED');
  const retryAfter = error.extensions!.retryAfter as number;
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  expect(response.data ?? null).toBeNull();
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe(String(retryAfter));
  return retryAfter;
}

const codesOf = (responses: GraphQLResponse[]) => responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'ok');
const tally = (codes: string[]) => codes.reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});

/** `count` aliased logIn fields in one document, with the inputs that `inputOf(i)` gives. */
function aliasedLogIns(count: number, inputOf: (i: number) => { email: string; password: string }) {
  const fields = Array.from({ length: count }, (_, i) => `a${i}: logIn(input: $i${i}) { token }`);
  const query = `mutation(${fields.map((_, i) => `$i${i}: LogInInput!`).join(', ')}) { ${fields.join(' ')} }`;
  return { query, variables: Object.fromEntries(fields.map((_, i) => [`i${i}`, inputOf(i)])) };
}

async function eventWithClaim(url: string) {
  const world = await World.create(url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 3 });
  const claimId = await world.submitClaim(editor, eventId, 'Shots were heard near the Akimat in Almaty');
  return { world, eventId, claimId };
}

const vote = (member: Member, claimId: string, i: number) =>
  member.api.op('CastVote', { input: { claimId, rating: i % 2 ? 'FALSE' : 'MISLEADING' } });

test('a burst of votes past the per-reviewer limit is RATE_LIMITED with retryAfter, while another reviewer votes on', async () => {
  const { world, claimId } = await eventWithClaim(server.url);
  const [eager, other] = [await world.reviewer(), await world.reviewer()];
  const responses: GraphQLResponse[] = [];
  for (let i = 0; i < 15; i++) responses.push(await vote(eager, claimId, i));
  const codes = codesOf(responses);
  expect(codes).toEqual([...Array(10).fill('ok'), ...Array(5).fill('RATE_LIMITED')]);
  const retryAfter = expectRateLimited(responses[10]);
  expect(retryAfter).toBeLessThanOrEqual(60);
  ok(await vote(other, claimId, 0));
  // A query is not a mutation: the limited reviewer still reads.
  expect(ok(await eager.api.op('Viewer')).viewer.id).toBe(eager.id);
  console.log(`per reviewer (limit 10 per 60 s): 15 castVote by one reviewer -> ${JSON.stringify(tally(codes))}, retryAfter ${retryAfter} s; another reviewer's vote admitted`);
});

test('behind a trusted proxy, an address past its logIn limit is refused while another address signs in', async () => {
  const [busy, quiet] = [newAddress(), newAddress()];
  const { email } = await account(server.url, quiet);
  const api = new ApiClient(server.url);
  const unknown = (i: number) => ({ email: `nobody-${i}-${randomBytes(3).toString('hex')}@example.org`, password: 'guess' });
  const batch = aliasedLogIns(20, unknown);
  // Admitted (the first wrong logIn ends the document), and counted as 20: the next is refused.
  expectRefused(await queryFrom(api, busy, batch.query, batch.variables), 'UNAUTHENTICATED');
  const retryAfter = expectRateLimited(await opFrom(api, busy, 'LogIn', { input: unknown(20) }));
  ok(await opFrom(api, quiet, 'LogIn', { input: { email, password } }));
  // Without the proxy's header, the same client is the socket's address: another count.
  ok(await api.op('LogIn', { input: { email, password } }));
  console.log(`per address (logIn limit 20 per 900 s): a document of 20 aliased logIn admitted from one address, the 21st logIn refused (retryAfter ${retryAfter} s); another address admitted`);
});

test('50 aliased logIn in one document count as 50 attempts: refused whole, and the right password then waits', async () => {
  const address = newAddress();
  const { email } = await account(server.url, newAddress());
  const api = new ApiClient(server.url);
  // With the right password: counted as one, this would answer 50 tokens.
  const sameEmail = aliasedLogIns(50, () => ({ email, password }));
  const refused = await queryFrom(api, address, sameEmail.query, sameEmail.variables);
  expectRateLimited(refused);
  expect(JSON.stringify(refused)).not.toMatch(/token"\s*:\s*"/);
  expectRateLimited(await opFrom(api, newAddress(), 'LogIn', { input: { email, password } }));
  // 50 emails from one address: over the address's 20 even though each email is tried once.
  const manyEmails = aliasedLogIns(50, (i) => ({ email: `nobody-${i}@example.org`, password: 'guess' }));
  expectRateLimited(await queryFrom(api, newAddress(), manyEmails.query, manyEmails.variables));
  console.log('aliases: 50 aliased logIn of one email (limit 5) refused whole, then the right password refused too; 50 aliased logIn of 50 emails from one address (limit 20) refused');
});

test('a wrong-password brute force on one email is stopped, from any address; other emails are unaffected', async () => {
  const { email } = await account(server.url, newAddress());
  const bystander = await account(server.url, newAddress());
  const api = new ApiClient(server.url);
  const attacker = newAddress();
  // All at once: the counts are atomic, so exactly the limit gets through.
  const responses = await Promise.all(
    Array.from({ length: 12 }, (_, i) => opFrom(api, attacker, 'LogIn', { input: { email, password: `guess-${i}` } })),
  );
  const codes = codesOf(responses);
  expect(tally(codes)).toEqual({ UNAUTHENTICATED: 5, RATE_LIMITED: 7 });
  responses.filter((response) => response.status === 429).forEach(expectRateLimited);
  // The count is the email's, wherever the attempts come from: the owner waits too.
  expectRateLimited(await opFrom(api, newAddress(), 'LogIn', { input: { email: email.toUpperCase(), password } }));
  ok(await opFrom(api, attacker, 'LogIn', { input: { email: bystander.email, password } }));
  console.log(`brute force on one email (limit 5 per 900 s): 12 wrong passwords at once -> ${JSON.stringify(tally(codes))}; the right password refused as well; another email admitted`);
});

test('a refused mutation writes nothing: 11 aliased submitClaim over a limit of 10 leave the event empty', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor);
  const reviewer = await world.reviewer();
  const fields = Array.from({ length: 11 }, (_, i) => `c${i}: submitClaim(input: {eventId: $e, statement: "Claim ${i}: banks are closed in Almaty"}) { claim { id } }`);
  expectRateLimited(await reviewer.api.query(`mutation($e: ID!) { ${fields.join(' ')} }`, { e: eventId }));
  const board = ok(await world.anonymous.op('EventBoard', { id: eventId })).event;
  expect(board.stats.claimCount).toBe(0);
  const log = ok(await world.anonymous.op('ActivitySince', { eventId })).activity.edges.map((edge: { node: { type: string } }) => edge.node.type);
  expect(log).toEqual(['EVENT_OPENED']);
  console.log(`refused whole: 11 aliased submitClaim (limit 10) -> claims ${board.stats.claimCount}, log ${JSON.stringify(log)}`);
});

/** A contract operation over graphql-ws: its one result, or the errors it was refused with. */
function overSocket(client: Client, operationName: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  return new Promise((resolve, reject) => {
    let result: GraphQLResponse = { status: 0, headers: new Headers() };
    client.subscribe(
      { query: contractDocument, operationName, variables },
      {
        next: (message) => (result = { ...result, ...(message as object) }),
        error: (error) => (Array.isArray(error) ? resolve({ ...result, errors: error }) : reject(error)),
        complete: () => resolve(result),
      },
    );
  });
}

test('the WebSocket door shares the count of the HTTP door', async () => {
  const { world, claimId } = await eventWithClaim(server.url);
  const reviewer = await world.reviewer();
  for (let i = 0; i < 6; i++) ok(await vote(reviewer, claimId, i));
  const live = liveClient(server.url, reviewer.token);
  try {
    const responses: GraphQLResponse[] = [];
    for (let i = 0; i < 6; i++) responses.push(await overSocket(live.client, 'CastVote', { input: { claimId, rating: i % 2 ? 'TRUE' : 'MIXED' } }));
    const codes = codesOf(responses);
    expect(codes).toEqual([...Array(4).fill('ok'), 'RATE_LIMITED', 'RATE_LIMITED']);
    const refusal = expectRefused(responses[4], 'RATE_LIMITED');
    expect(refusal.extensions!.retryAfter).toEqual(expect.any(Number));
    expect(refusal.extensions!.retryAfter as number).toBeGreaterThanOrEqual(1);
    // Over HTTP as well, and the socket stays open for queries.
    expectRateLimited(await vote(reviewer, claimId, 0));
    expect(ok(await overSocket(live.client, 'Viewer', {})).viewer.id).toBe(reviewer.id);
    expect(live.closes).toEqual([]);
    console.log(`WebSocket door (limit 10 per 60 s): 6 castVote over HTTP, then 6 over the socket -> ${JSON.stringify(tally(codes))}`);
  } finally {
    await live.dispose();
  }
});

test('once a window is over, a refused client is admitted again, and the sweep deletes the counts whose window is over', async () => {
  // A server of its own, so its table holds this test's counts only. The windows are not waited
  // out: the test ends them in the table, where the database's clock reads them (a count's
  // window ends at its expires_at), and runs the sweep the server runs on a timer.
  const own = await startTestServer({ TRUST_PROXY: '1', RATE_LIMIT_LOGIN_PER_EMAIL: '3' });
  try {
    const table = own.server.database.dataSource;
    const keys = async (where: string) =>
      ((await table.query(`SELECT key FROM rate_limits WHERE ${where} ORDER BY key`)) as { key: string }[]).map((row) => row.key);
    const { email } = await account(own.url, newAddress());
    const api = new ApiClient(own.url);
    const address = newAddress();
    const four = aliasedLogIns(4, () => ({ email, password }));
    expectRateLimited(await queryFrom(api, address, four.query, four.variables));
    expectRateLimited(await opFrom(api, address, 'LogIn', { input: { email, password } }));
    const counted = await keys('true');
    expect(counted.length).toBeGreaterThan(0);
    // Keys are HMACs: no email or address is stored.
    expect(JSON.stringify(counted)).not.toMatch(/@|203\.0\.113|example/);

    await table.query(`UPDATE rate_limits SET expires_at = now() - interval '1 second'`);
    ok(await opFrom(api, address, 'LogIn', { input: { email, password } }));

    // The admitted logIn began new windows for its own counts; the sign-up's count stays over.
    const live = await keys('expires_at > now()');
    const over = await keys('expires_at <= now()');
    expect(live.length).toBeGreaterThan(0);
    expect(over.length).toBeGreaterThan(0);
    expect(await postgresRateLimitStore(table).sweep()).toBe(over.length);
    expect(await keys('true')).toEqual(live);
    console.log(`logIn limit 3 per email: refused, then admitted once its windows were over; the sweep deleted ${over.length} of ${counted.length} counts, kept the ${live.length} the logIn renewed`);
  } finally {
    await own.stop();
  }
});

(onPostgres ? test : test.skip)('on PostgreSQL only: two instances on one database share the counts', async () => {
  const database = await createTestDatabase();
  const env = { RATE_LIMIT_MUTATIONS_PER_REVIEWER: '6', RATE_LIMIT_LOGIN_PER_EMAIL: '5' };
  const [a, b] = await Promise.all([startTestServer(env, database), startTestServer(env, database)]);
  try {
    const { world, claimId } = await eventWithClaim(a.url);
    const reviewer = await world.reviewer();
    const responses: GraphQLResponse[] = [];
    for (let i = 0; i < 10; i++) {
      const api = new ApiClient(i % 2 ? b.url : a.url, reviewer.token);
      responses.push(await api.op('CastVote', { input: { claimId, rating: i % 2 ? 'FALSE' : 'MISLEADING' } }));
    }
    const codes = codesOf(responses);
    expect(codes).toEqual([...Array(6).fill('ok'), ...Array(4).fill('RATE_LIMITED')]);
    expectRateLimited(responses[6]);
    expectRateLimited(responses[7]);
    // 20 wrong passwords for one email at once, half through each instance.
    const { email } = await account(a.url, '127.0.0.1');
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => new ApiClient(i % 2 ? b.url : a.url).op('LogIn', { input: { email, password: `guess-${i}` } })),
    );
    const guessCodes = tally(codesOf(guesses));
    expect(guessCodes).toEqual({ UNAUTHENTICATED: 5, RATE_LIMITED: 15 });
    console.log(
      `two instances: 10 castVote alternating between them (limit 6 per 60 s) -> ${JSON.stringify(tally(codes))}; ` +
        `20 wrong logIn of one email at once, half through each (limit 5) -> ${JSON.stringify(guessCodes)}`,
    );
  } finally {
    await a.server.stop();
    await b.stop();
  }
});

test('issuing and redeeming invitations count against the limits: an org admin past their mutation limit, an address past its own', async () => {
  const strict = await startTestServer({ TRUST_PROXY: '1', RATE_LIMIT_MUTATIONS_PER_REVIEWER: '4', RATE_LIMIT_MUTATIONS_PER_IP: '5' });
  try {
    // Built from 127.0.0.1: four mutations of that address's five.
    const world = await World.create(strict.url);
    const organizationId = await world.organization('Invites');
    const email = `oa-${randomBytes(6).toString('hex')}@example.org`;
    const invitationCode = await world.invite(organizationId, email, 'REVIEWER', world.admin, { orgAdmin: true });
    const orgAdmin = ok(await new ApiClient(strict.url).op('SignUp', { input: { email, password, displayName: 'Org admin', invitationCode } })).signUp;
    const orgAdminApi = new ApiClient(strict.url, orgAdmin.token);

    const issuing = newAddress();
    const invite = () => opFrom(orgAdminApi, issuing, 'InviteMember', { input: { organizationId, email: `i-${randomBytes(4).toString('hex')}@example.org` } });
    const issued: GraphQLResponse[] = [];
    for (let i = 0; i < 5; i++) issued.push(await invite());
    expect(codesOf(issued)).toEqual(['ok', 'ok', 'ok', 'ok', 'RATE_LIMITED']);
    expectRateLimited(issued[4]);

    const guessing = newAddress();
    const guess = () =>
      opFrom(new ApiClient(strict.url), guessing, 'SignUp', {
        input: { email: `g-${randomBytes(4).toString('hex')}@example.org`, password, displayName: 'Guess', invitationCode: randomBytes(32).toString('base64url') },
      });
    const guesses: GraphQLResponse[] = [];
    for (let i = 0; i < 6; i++) guesses.push(await guess());
    expect(codesOf(guesses)).toEqual([...Array(5).fill('BAD_USER_INPUT'), 'RATE_LIMITED']);
    console.log(`invitations: 5 inviteMember by one org admin (limit 4) -> ${JSON.stringify(tally(codesOf(issued)))}; 6 guessed codes from one address (limit 5) -> ${JSON.stringify(tally(codesOf(guesses)))}`);
  } finally {
    await strict.stop();
  }
});
