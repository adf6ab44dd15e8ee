import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { encodeGlobalId, NodeType, parseGlobalId } from '../../src/domain/global-id';
import { ApiClient, ok } from '../support/client';
import { expectRefused, expectSafeErrors } from '../support/refusals';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** A well-formed global ID of the type that names nothing. */
const missing = (type: NodeType) => encodeGlobalId(type, randomUUID());

/** Everything a refused call must leave as it was: the event's log, its board, its claims' verdicts and votes. */
async function eventState(api: ApiClient, eventId: string) {
  const { activity } = ok(await api.op('ActivitySince', { eventId, first: 100 }));
  const { event } = ok(await api.op('EventBoard', { id: eventId, first: 100 }));
  return { activity, event };
}

async function eventCount(api: ApiClient): Promise<number> {
  return ok(await api.op('Events', { first: 0 })).events.totalCount;
}

async function roleOf(member: Member): Promise<string> {
  return ok(await member.api.op('Viewer')).viewer.role;
}

/** An event with one claim that has reached CONSENSUS (FALSE) on one vote, and a reviewer to act on it. */
async function claimInConsensus(world: World) {
  const editor = await world.editor();
  const reviewer = await world.reviewer();
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(reviewer, eventId, 'The airport in Almaty was seized');
  await world.vote(reviewer, claimId, 'FALSE');
  return { editor, reviewer, eventId, claimId };
}

function newEmail(): string {
  return `e-${randomBytes(6).toString('hex')}@example.org`;
}

describe('UNAUTHENTICATED', () => {
  const secret = new TextEncoder().encode('test-secret-that-is-long-enough-for-hs256');
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function signToken(subject: string, options: { expiresAt: number; issuer?: string; key?: Uint8Array }) {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuer(options.issuer ?? 'verification-backend')
      .setIssuedAt(options.expiresAt - 3600)
      .setExpirationTime(options.expiresAt)
      .sign(options.key ?? secret);
  }

  test('a mutation without a token is refused and writes nothing', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'Shots were fired at the mayor\'s office');
    const before = await eventState(editor.api, eventId);
    const eventsBefore = await eventCount(world.anonymous);

    expectRefused(await world.anonymous.op('OpenEvent', { input: { title: 'Anonymous event' } }), 'UNAUTHENTICATED');
    expectRefused(await world.anonymous.op('SubmitClaim', { input: { eventId, statement: 'Anonymous claim' } }), 'UNAUTHENTICATED');
    expectRefused(await world.anonymous.op('CastVote', { input: { claimId, rating: 'FALSE' } }), 'UNAUTHENTICATED');
    expectRefused(await world.anonymous.op('AddEvidence', { input: { claimId, stance: 'REFUTES', title: 'x' } }), 'UNAUTHENTICATED');
    expectRefused(await world.anonymous.op('CloseEvent', { input: { eventId } }), 'UNAUTHENTICATED');

    expect(await eventState(editor.api, eventId)).toEqual(before);
    expect(await eventCount(world.anonymous)).toBe(eventsBefore);
  });

  test('an invalid token is refused with HTTP 401, even for a read', async () => {
    const garbage = new ApiClient(server.url, 'garbage');
    for (const response of [await garbage.op('Viewer'), await garbage.op('Events', { first: 1 })]) {
      expectRefused(response, 'UNAUTHENTICATED');
      expect(response.status).toBe(401);
      expect(response.data).toBeUndefined();
    }
  });

  test('an expired token is refused, where the same token unexpired is accepted', async () => {
    const world = await World.create(server.url);
    const reviewer = await world.reviewer();
    const subject = parseGlobalId(reviewer.id)!.id;
    const fresh = new ApiClient(server.url, await signToken(subject, { expiresAt: nowSeconds() + 600 }));
    expect(ok(await fresh.op('Viewer')).viewer.id).toBe(reviewer.id);

    const expired = new ApiClient(server.url, await signToken(subject, { expiresAt: nowSeconds() - 60 }));
    const read = await expired.op('Viewer');
    expect(expectRefused(read, 'UNAUTHENTICATED').message).toMatch(/expired/i);
    expect(read.status).toBe(401);

    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const before = await eventState(editor.api, eventId);
    expectRefused(await expired.op('SubmitClaim', { input: { eventId, statement: 'Written with an old token' } }), 'UNAUTHENTICATED');
    expect(await eventState(editor.api, eventId)).toEqual(before);
  });

  test('a token signed with another key, by another issuer, unsigned, or naming no reviewer is refused', async () => {
    const world = await World.create(server.url);
    const reviewer = await world.reviewer();
    const subject = parseGlobalId(reviewer.id)!.id;
    const expiresAt = nowSeconds() + 600;
    const tokens = [
      await signToken(subject, { expiresAt, key: new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256') }),
      await signToken(subject, { expiresAt, issuer: 'someone-else' }),
      await signToken(randomUUID(), { expiresAt }),
      reviewer.token.split('.').slice(0, 2).join('.') + '.',
    ];
    for (const token of tokens) {
      const response = await new ApiClient(server.url, token).op('Viewer');
      expectRefused(response, 'UNAUTHENTICATED');
      expect(response.status).toBe(401);
    }
  });

  test('logIn with a wrong password or an unknown email is refused alike', async () => {
    const api = (await World.create(server.url)).anonymous;
    const email = newEmail();
    ok(await api.op('SignUp', { input: { email, password: 'correct horse battery', displayName: 'Aigerim' } }));

    const wrongPassword = expectRefused(await api.op('LogIn', { input: { email, password: 'wrong horse battery' } }), 'UNAUTHENTICATED');
    const unknownEmail = expectRefused(
      await api.op('LogIn', { input: { email: newEmail(), password: 'correct horse battery' } }),
      'UNAUTHENTICATED',
    );
    expect(unknownEmail.message).toBe(wrongPassword.message);
    expect(ok(await api.op('LogIn', { input: { email, password: 'correct horse battery' } })).logIn.token).toEqual(expect.any(String));
  });
});

describe('FORBIDDEN', () => {
  test('a REVIEWER cannot do what only an EDITOR or ADMIN does', async () => {
    const world = await World.create(server.url);
    const { reviewer, eventId, claimId } = await claimInConsensus(world);
    const otherClaimId = await world.submitClaim(reviewer, eventId, 'The airport in Almaty was closed');
    const before = await eventState(world.admin.api, eventId);
    const eventsBefore = await eventCount(world.anonymous);

    const calls: [string, Record<string, unknown>][] = [
      ['OpenEvent', { title: 'Not mine to open' }],
      ['UpdateEvent', { eventId, title: 'Renamed', policy: { quorum: 5 } }],
      ['CloseEvent', { eventId }],
      ['PublishVerdict', { claimId, summary: 'No seizure took place.' }],
      ['ReopenClaim', { claimId, reason: 'New footage' }],
      ['MarkDuplicate', { claimId: otherClaimId, duplicateOfId: claimId }],
      ['SetReviewerRole', { reviewerId: reviewer.id, role: 'ADMIN' }],
    ];
    for (const [operation, input] of calls) {
      expectRefused(await reviewer.api.op(operation, { input }), 'FORBIDDEN');
    }

    expect(await eventState(world.admin.api, eventId)).toEqual(before);
    expect(await eventCount(world.anonymous)).toBe(eventsBefore);
    expect(await roleOf(reviewer)).toBe('REVIEWER');
  });

  test('an OBSERVER cannot submit claims or evidence, or vote', async () => {
    const world = await World.create(server.url);
    const { eventId, claimId } = await claimInConsensus(world);
    const observer = await world.reviewer('Observers', 'OBSERVER');
    const before = await eventState(world.admin.api, eventId);

    expectRefused(await observer.api.op('SubmitClaim', { input: { eventId, statement: 'An observer\'s claim' } }), 'FORBIDDEN');
    expectRefused(await observer.api.op('AddEvidence', { input: { claimId, stance: 'SUPPORTS', title: 'A photo' } }), 'FORBIDDEN');
    expectRefused(await observer.api.op('CastVote', { input: { claimId, rating: 'TRUE' } }), 'FORBIDDEN');
    expectRefused(await observer.api.op('RetractVote', { input: { claimId } }), 'FORBIDDEN');

    expect(await eventState(world.admin.api, eventId)).toEqual(before);
  });

  test('an EDITOR cannot set roles, not even their own', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const reviewer = await world.reviewer();

    expectRefused(await editor.api.op('SetReviewerRole', { input: { reviewerId: editor.id, role: 'ADMIN' } }), 'FORBIDDEN');
    expectRefused(await editor.api.op('SetReviewerRole', { input: { reviewerId: reviewer.id, role: 'EDITOR' } }), 'FORBIDDEN');

    expect(await roleOf(editor)).toBe('EDITOR');
    expect(await roleOf(reviewer)).toBe('REVIEWER');
  });
});

describe('NOT_FOUND', () => {
  test('a malformed ID is NOT_FOUND, in a query and in a mutation', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const before = await eventState(editor.api, eventId);

    expectRefused(await editor.api.op('ClaimDetail', { id: 'nope' }), 'NOT_FOUND');
    expectRefused(await editor.api.op('EventBoard', { id: 'nope' }), 'NOT_FOUND');
    expectRefused(await editor.api.op('Node', { id: 'garbage' }), 'NOT_FOUND');
    expectRefused(await editor.api.op('ActivitySince', { eventId: '' }), 'NOT_FOUND');
    // base64url of a type and a uuid that is not one
    expectRefused(await editor.api.op('Node', { id: Buffer.from('Claim:123').toString('base64url') }), 'NOT_FOUND');
    expectRefused(await editor.api.op('CastVote', { input: { claimId: 'zzz', rating: 'FALSE' } }), 'NOT_FOUND');
    expectRefused(await editor.api.op('SubmitClaim', { input: { eventId: 'zzz', statement: 'Lost' } }), 'NOT_FOUND');
    expectRefused(await editor.api.op('CloseEvent', { input: { eventId: `${eventId}!` } }), 'NOT_FOUND');
    expectRefused(await world.admin.api.op('SetReviewerRole', { input: { reviewerId: 'zzz', role: 'EDITOR' } }), 'NOT_FOUND');

    expect(await eventState(editor.api, eventId)).toEqual(before);
  });

  test('a well-formed ID of the wrong type is NOT_FOUND', async () => {
    const world = await World.create(server.url);
    const { editor, reviewer, eventId, claimId } = await claimInConsensus(world);
    const before = await eventState(editor.api, eventId);

    expectRefused(await editor.api.op('ClaimDetail', { id: eventId }), 'NOT_FOUND');
    expectRefused(await editor.api.op('EventBoard', { id: claimId }), 'NOT_FOUND');
    expectRefused(await editor.api.op('ActivitySince', { eventId: claimId }), 'NOT_FOUND');
    expectRefused(await reviewer.api.op('CastVote', { input: { claimId: eventId, rating: 'TRUE' } }), 'NOT_FOUND');
    expectRefused(await reviewer.api.op('CastVote', { input: { claimId, rating: 'TRUE', evidenceIds: [claimId] } }), 'NOT_FOUND');
    expectRefused(await reviewer.api.op('SubmitClaim', { input: { eventId: claimId, statement: 'Misfiled' } }), 'NOT_FOUND');
    expectRefused(await editor.api.op('CloseEvent', { input: { eventId: reviewer.id } }), 'NOT_FOUND');
    expectRefused(await editor.api.op('MarkDuplicate', { input: { claimId, duplicateOfId: eventId } }), 'NOT_FOUND');
    expectRefused(await world.admin.api.op('SetReviewerRole', { input: { reviewerId: claimId, role: 'EDITOR' } }), 'NOT_FOUND');

    expect(await eventState(editor.api, eventId)).toEqual(before);
    expect(await roleOf(reviewer)).toBe('REVIEWER');
  });

  test('a well-formed ID that names nothing reads as null, but a mutation on it is NOT_FOUND', async () => {
    const world = await World.create(server.url);
    const { editor, reviewer, eventId, claimId } = await claimInConsensus(world);
    const before = await eventState(editor.api, eventId);

    expect(await editor.api.op('ClaimDetail', { id: missing('Claim') })).toMatchObject({ data: { claim: null } });
    expect(await editor.api.op('EventBoard', { id: missing('Event') })).toMatchObject({ data: { event: null } });
    for (const type of ['Reviewer', 'Event', 'Claim', 'Evidence', 'Vote'] as const) {
      const response = await editor.api.op('Node', { id: missing(type) });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ node: null });
    }

    const refusals = [
      await reviewer.api.op('SubmitClaim', { input: { eventId: missing('Event'), statement: 'Nowhere' } }),
      await reviewer.api.op('AddEvidence', { input: { claimId: missing('Claim'), stance: 'REFUTES', title: 'x' } }),
      await reviewer.api.op('CastVote', { input: { claimId: missing('Claim'), rating: 'FALSE' } }),
      await reviewer.api.op('RetractVote', { input: { claimId: missing('Claim') } }),
      await editor.api.op('UpdateEvent', { input: { eventId: missing('Event'), title: 'Ghost' } }),
      await editor.api.op('CloseEvent', { input: { eventId: missing('Event') } }),
      await editor.api.op('PublishVerdict', { input: { claimId: missing('Claim'), summary: 'Ghost' } }),
      await editor.api.op('ReopenClaim', { input: { claimId: missing('Claim'), reason: 'Ghost' } }),
      await editor.api.op('MarkDuplicate', { input: { claimId, duplicateOfId: missing('Claim') } }),
      await world.admin.api.op('SetReviewerRole', { input: { reviewerId: missing('Reviewer'), role: 'EDITOR' } }),
    ];
    for (const response of refusals) expectRefused(response, 'NOT_FOUND');

    expect(await eventState(editor.api, eventId)).toEqual(before);
  });
});

describe('BAD_USER_INPUT', () => {
  test('submitClaim refuses an empty or overlong statement and a source URL that is not http(s)', async () => {
    const world = await World.create(server.url);
    const reviewer = await world.reviewer();
    const eventId = await world.openEvent(await world.editor());
    const submit = (input: Record<string, unknown>) =>
      reviewer.api.op('SubmitClaim', { input: { eventId, statement: 'Troops at the border', ...input } });
    const before = await eventState(reviewer.api, eventId);

    const invalid = [
      { statement: '' },
      { statement: '   ' },
      { statement: 'x'.repeat(1001) },
      { sourceUrl: 'javascript:alert(1)' },
      { sourceUrl: 'ftp://files.example.org/claim.mp4' },
      { sourceUrl: 'not a url' },
    ];
    for (const input of invalid) expectRefused(await submit(input), 'BAD_USER_INPUT');
    expect(await eventState(reviewer.api, eventId)).toEqual(before);

    ok(await submit({ statement: 'x'.repeat(1000), sourceUrl: 'https://t.me/channel/123' }));
    const after = await eventState(reviewer.api, eventId);
    expect(after.event.stats.claimCount).toBe(1);
    expect(after.event.claims.totalCount).toBe(1);
  });

  test('addEvidence refuses an overlong excerpt and a URL that is not http(s)', async () => {
    const world = await World.create(server.url);
    const reviewer = await world.reviewer();
    const eventId = await world.openEvent(await world.editor());
    const claimId = await world.submitClaim(reviewer, eventId, 'The internet was cut nationwide');
    const add = (input: Record<string, unknown>) => reviewer.api.op('AddEvidence', { input: { claimId, stance: 'SUPPORTS', ...input } });
    const before = await eventState(reviewer.api, eventId);

    const invalid = [
      { excerpt: 'x'.repeat(10_001) },
      { url: 'javascript:alert(1)' },
      { url: 'ftp://files.example.org/netblocks.csv' },
      {},
    ];
    for (const input of invalid) expectRefused(await add(input), 'BAD_USER_INPUT');
    expect(await eventState(reviewer.api, eventId)).toEqual(before);

    ok(await add({ excerpt: 'x'.repeat(10_000), url: 'https://netblocks.org/reports' }));
    const detail = ok(await reviewer.api.op('ClaimDetail', { id: claimId })).claim;
    expect(detail.evidence.totalCount).toBe(1);
  });

  test('signUp refuses a bad email and a password under 8 characters, creating no account', async () => {
    const api = (await World.create(server.url)).anonymous;
    const email = newEmail();
    const signUp = (input: Record<string, unknown>) =>
      api.op('SignUp', { input: { email, password: 'correct horse battery', displayName: 'Dana', ...input } });

    expectRefused(await signUp({ email: 'not-an-email' }), 'BAD_USER_INPUT');
    expectRefused(await signUp({ email: 'dana@' }), 'BAD_USER_INPUT');
    expectRefused(await signUp({ password: '1234567' }), 'BAD_USER_INPUT');
    expectRefused(await signUp({ displayName: '' }), 'BAD_USER_INPUT');

    expectRefused(await api.op('LogIn', { input: { email, password: '1234567' } }), 'UNAUTHENTICATED');
    expect(ok(await signUp({ password: '12345678' })).signUp.reviewer.role).toBe('OBSERVER');
  });

  test('a policy out of range is refused by openEvent and updateEvent', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 2 });
    const before = await eventState(editor.api, eventId);
    const eventsBefore = await eventCount(world.anonymous);

    const invalid = [{ quorum: 0 }, { quorum: 1001 }, { threshold: 0.5 }, { threshold: 1.01 }, { minOrganizations: 0 }];
    for (const policy of invalid) {
      expectRefused(await editor.api.op('OpenEvent', { input: { title: 'Bad policy', policy } }), 'BAD_USER_INPUT');
      expectRefused(await editor.api.op('UpdateEvent', { input: { eventId, title: 'Renamed', policy } }), 'BAD_USER_INPUT');
    }
    expect(await eventState(editor.api, eventId)).toEqual(before);
    expect(await eventCount(world.anonymous)).toBe(eventsBefore);

    const edges = { quorum: 1000, threshold: 1, minOrganizations: 1 };
    expect(ok(await editor.api.op('OpenEvent', { input: { title: 'Edge policy', policy: edges } })).openEvent.event.policy).toEqual(edges);
  });

  test('first above 100 is refused on claims and events, above 1000 on the activity log', async () => {
    const world = await World.create(server.url);
    const eventId = await world.openEvent(await world.editor());
    const api = world.anonymous;

    expectRefused(await api.op('Claims', { first: 101 }), 'BAD_USER_INPUT');
    expectRefused(await api.op('Events', { first: 101 }), 'BAD_USER_INPUT');
    expectRefused(await api.op('EventBoard', { id: eventId, first: 101 }), 'BAD_USER_INPUT');
    expectRefused(await api.op('ActivitySince', { eventId, first: 1001 }), 'BAD_USER_INPUT');
    expectRefused(await api.op('Claims', { first: -1 }), 'BAD_USER_INPUT');

    ok(await api.op('Claims', { first: 100 }));
    ok(await api.op('Events', { first: 100 }));
    ok(await api.op('ActivitySince', { eventId, first: 1000 }));
  });

  test('a malformed or foreign after cursor is refused', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const otherEventId = await world.openEvent(editor, {}, 'Another event');
    await world.submitClaim(editor, eventId, 'Martial law was declared');
    const api = world.anonymous;
    const eventsCursor = ok(await api.op('Events', { first: 1 })).events.pageInfo.endCursor;
    const otherLogCursor = ok(await api.op('ActivitySince', { eventId: otherEventId })).activity.pageInfo.endCursor;
    const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

    const malformed = ['garbage!', 'bm9wZQ', forged(['cn', 'x', 'y']), forged(['cn', -1, randomUUID()])];
    for (const after of malformed) {
      expectRefused(await api.op('Claims', { after }), 'BAD_USER_INPUT');
      expectRefused(await api.op('Events', { after }), 'BAD_USER_INPUT');
      expectRefused(await api.op('ActivitySince', { eventId, after }), 'BAD_USER_INPUT');
    }
    expectRefused(await api.op('Claims', { after: eventsCursor }), 'BAD_USER_INPUT');
    expectRefused(await api.op('EventBoard', { id: eventId, after: eventsCursor }), 'BAD_USER_INPUT');
    expectRefused(await api.op('ActivitySince', { eventId, after: otherLogCursor }), 'BAD_USER_INPUT');
  });

  test('a cursor of the right shape with a forged id or time is refused, not an internal error', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'Gunfire near the TV tower');
    const api = world.anonymous;
    const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const votesAfter = 'query ($id: ID!, $after: String) { claim(id: $id) { votes(after: $after) { totalCount } } }';

    for (const [id, time] of [['not-a-uuid', Date.now()], [randomUUID(), Number.MAX_SAFE_INTEGER]] as const) {
      expectRefused(await api.op('Claims', { after: forged(['cn', time, id]) }), 'BAD_USER_INPUT');
      expectRefused(await api.op('EventBoard', { id: eventId, after: forged(['cn', time, id]) }), 'BAD_USER_INPUT');
      expectRefused(await api.op('Events', { after: forged(['ev', time, id]) }), 'BAD_USER_INPUT');
      expectRefused(await api.query(votesAfter, { id: claimId, after: forged(['vo', time, id]) }), 'BAD_USER_INPUT');
    }
    expectRefused(await api.op('ActivitySince', { eventId, after: forged(['lg', 'not-a-uuid', 1]) }), 'BAD_USER_INPUT');
  });

  test('castVote refuses evidence of another claim and records no vote', async () => {
    const world = await World.create(server.url);
    const reviewer = await world.reviewer();
    const eventId = await world.openEvent(await world.editor(), { quorum: 1 });
    const claimId = await world.submitClaim(reviewer, eventId, 'Protesters stormed the akimat');
    const otherClaimId = await world.submitClaim(reviewer, eventId, 'The president left the country');
    const own = ok(await reviewer.api.op('AddEvidence', { input: { claimId, stance: 'SUPPORTS', title: 'Video' } })).addEvidence.evidence.id;
    const foreign = ok(await reviewer.api.op('AddEvidence', { input: { claimId: otherClaimId, stance: 'REFUTES', title: 'Statement' } }))
      .addEvidence.evidence.id;
    const before = await eventState(reviewer.api, eventId);

    expectRefused(await reviewer.api.op('CastVote', { input: { claimId, rating: 'TRUE', evidenceIds: [own, foreign] } }), 'BAD_USER_INPUT');

    expect(await eventState(reviewer.api, eventId)).toEqual(before);
    const detail = ok(await reviewer.api.op('ClaimDetail', { id: claimId })).claim;
    expect(detail.votes.totalCount).toBe(0);
    expect(detail.viewerVote).toBeNull();
    expect(detail.verdict).toMatchObject({ status: 'UNVERIFIED', version: 0, voteCount: 0 });
  });
});

describe('CONFLICT', () => {
  test('an email that is taken, even in another case, is refused and the first account is kept', async () => {
    const api = (await World.create(server.url)).anonymous;
    const email = newEmail();
    ok(await api.op('SignUp', { input: { email, password: 'first password', displayName: 'First' } }));

    expectRefused(await api.op('SignUp', { input: { email, password: 'second password', displayName: 'Second' } }), 'CONFLICT');
    expectRefused(await api.op('SignUp', { input: { email: email.toUpperCase(), password: 'second password', displayName: 'Second' } }), 'CONFLICT');

    expectRefused(await api.op('LogIn', { input: { email, password: 'second password' } }), 'UNAUTHENTICATED');
    ok(await api.op('LogIn', { input: { email: email.toUpperCase(), password: 'first password' } }));
  });

  test('a closed event takes no claims, evidence, votes or retractions, and cannot be closed again', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const reviewer = await world.reviewer();
    const newcomer = await world.reviewer('Azattyq');
    const eventId = await world.openEvent(editor, { quorum: 2 });
    const claimId = await world.submitClaim(reviewer, eventId, 'The city ran out of bread');
    await world.vote(reviewer, claimId, 'MISLEADING');
    ok(await editor.api.op('CloseEvent', { input: { eventId } }));
    const before = await eventState(editor.api, eventId);

    expectRefused(await reviewer.api.op('SubmitClaim', { input: { eventId, statement: 'Too late' } }), 'CONFLICT');
    expectRefused(await reviewer.api.op('AddEvidence', { input: { claimId, stance: 'CONTEXT', title: 'Too late' } }), 'CONFLICT');
    expectRefused(await newcomer.api.op('CastVote', { input: { claimId, rating: 'TRUE' } }), 'CONFLICT');
    expectRefused(await reviewer.api.op('CastVote', { input: { claimId, rating: 'FALSE' } }), 'CONFLICT');
    expectRefused(await reviewer.api.op('RetractVote', { input: { claimId } }), 'CONFLICT');
    expectRefused(await editor.api.op('CloseEvent', { input: { eventId } }), 'CONFLICT');

    const after = await eventState(editor.api, eventId);
    expect(after).toEqual(before);
    expect(after.activity.edges.at(-1).node.type).toBe('EVENT_CLOSED');
    expect(after.event.claims.edges[0].node.verdict).toMatchObject({ voteCount: 1, version: 1 });
  });

  test('a published claim takes no votes or retractions', async () => {
    const world = await World.create(server.url);
    const { editor, reviewer, eventId, claimId } = await claimInConsensus(world);
    ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'The airport was never seized.' } }));
    const newcomer = await world.reviewer('Azattyq');
    const before = await eventState(editor.api, eventId);

    expectRefused(await newcomer.api.op('CastVote', { input: { claimId, rating: 'TRUE' } }), 'CONFLICT');
    expectRefused(await reviewer.api.op('CastVote', { input: { claimId, rating: 'TRUE' } }), 'CONFLICT');
    expectRefused(await reviewer.api.op('RetractVote', { input: { claimId } }), 'CONFLICT');
    expectRefused(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Again' } }), 'CONFLICT');

    expect(await eventState(editor.api, eventId)).toEqual(before);
    const { verdict } = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
    expect(verdict).toMatchObject({ status: 'PUBLISHED', rating: 'FALSE', voteCount: 1 });
  });

  test('a claim marked duplicate takes no votes and cannot be published', async () => {
    const world = await World.create(server.url);
    const { editor, reviewer, eventId, claimId } = await claimInConsensus(world);
    const duplicateId = await world.submitClaim(reviewer, eventId, 'Almaty airport seized by troops');
    ok(await editor.api.op('MarkDuplicate', { input: { claimId: duplicateId, duplicateOfId: claimId } }));
    const before = await eventState(editor.api, eventId);

    expectRefused(await reviewer.api.op('CastVote', { input: { claimId: duplicateId, rating: 'TRUE' } }), 'CONFLICT');
    expectRefused(await editor.api.op('PublishVerdict', { input: { claimId: duplicateId, summary: 'Dup' } }), 'CONFLICT');
    expectRefused(await editor.api.op('MarkDuplicate', { input: { claimId: duplicateId, duplicateOfId: claimId } }), 'CONFLICT');

    expect(await eventState(editor.api, eventId)).toEqual(before);
  });

  test('publishVerdict is refused for a claim that is UNVERIFIED, IN_REVIEW or CONTESTED', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const [first, second] = [await world.reviewer('Vlast.kz'), await world.reviewer('Azattyq')];
    const eventId = await world.openEvent(editor, { quorum: 2, threshold: 0.66 });
    const unverified = await world.submitClaim(first, eventId, 'Water supply was poisoned');
    const inReview = await world.submitClaim(first, eventId, 'Banks are closed until Monday');
    const contested = await world.submitClaim(first, eventId, 'Foreign fighters arrived by plane');
    await world.vote(first, inReview, 'TRUE');
    await world.vote(first, contested, 'TRUE');
    await world.vote(second, contested, 'FALSE');
    const before = await eventState(editor.api, eventId);
    expect(before.event.stats.byStatus).toEqual(
      expect.arrayContaining([
        { status: 'UNVERIFIED', count: 1 },
        { status: 'IN_REVIEW', count: 1 },
        { status: 'CONTESTED', count: 1 },
      ]),
    );

    for (const claimId of [unverified, inReview, contested]) {
      expectRefused(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Premature' } }), 'CONFLICT');
    }
    expect(await eventState(editor.api, eventId)).toEqual(before);
  });

  test('retractVote without a vote is refused and leaves the others\' votes', async () => {
    const world = await World.create(server.url);
    const { editor, eventId, claimId } = await claimInConsensus(world);
    const before = await eventState(editor.api, eventId);

    expectRefused(await editor.api.op('RetractVote', { input: { claimId } }), 'CONFLICT');

    expect(await eventState(editor.api, eventId)).toEqual(before);
    expect(before.event.claims.edges[0].node.verdict).toMatchObject({ status: 'CONSENSUS', voteCount: 1 });
  });
});

describe('errors raised by Apollo itself', () => {
  test('a document that does not parse or validate is refused with a safe message', async () => {
    const api = new ApiClient(server.url);
    expectRefused(await api.query('{ viewer { id '), 'GRAPHQL_PARSE_FAILED');
    expectRefused(await api.query('{ viewer { passwordHash } }'), 'GRAPHQL_VALIDATION_FAILED');
    const wrongVariable = await api.query('query ($first: Int) { events(first: $first) { totalCount } }', { first: 'many' });
    expectRefused(wrongVariable, 'BAD_USER_INPUT');
    expectSafeErrors(wrongVariable);
  });
});
