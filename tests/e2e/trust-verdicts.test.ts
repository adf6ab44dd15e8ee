import { ApiClient, errorCode, ok } from '../support/client';
import { collect, liveClient, overSocket } from '../support/live-client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, newEmail, signUp, World } from '../support/world';

// Which votes count, end to end: a troll bloc cannot move a verdict; a suspension, a
// reinstatement, a verification and a demotion recompute the verdicts they touch, log the
// reason and reach a live subscriber.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const LogWithReasons = `
  query LogWithReasons($eventId: ID!, $after: String) {
    activity(eventId: $eventId, after: $after, first: 100) {
      edges {
        cursor
        node { type reason claim { id } verdict { status rating voteCount version organizationCount explanation } }
      }
    }
  }`;

interface LoggedChange {
  cursor: string;
  type: string;
  reason: string | null;
  claim: { id: string } | null;
  verdict: { status: string; rating: string | null; voteCount: number; version: number; organizationCount: number; explanation: string } | null;
}

async function logAfter(api: ApiClient, eventId: string, after: string | null = null): Promise<LoggedChange[]> {
  const edges = ok(await api.query(LogWithReasons, { eventId, after })).activity.edges;
  return edges.map((edge: { cursor: string; node: Omit<LoggedChange, 'cursor'> }) => ({ cursor: edge.cursor, ...edge.node }));
}

async function lastCursor(api: ApiClient, eventId: string): Promise<string | null> {
  return (await logAfter(api, eventId)).at(-1)?.cursor ?? null;
}

async function trustOf(api: ApiClient, claimId: string) {
  return ok(await api.op('ClaimTrust', { id: claimId })).claim.verdict as {
    status: string;
    rating: string | null;
    voteCount: number;
    organizationCount: number;
    explanation: string;
  };
}

async function membershipOf(member: Member): Promise<{ id: string; status: string }> {
  return ok(await member.api.op('ViewerMembership')).viewer.membership;
}

/** Three reviewers of three verified newsrooms bring a claim to CONSENSUS FALSE (quorum 3, minOrganizations 2). */
async function claimAgreedByThree(world: World, editor: Member, eventId: string, statement: string, voters: Member[]) {
  const claimId = await world.submitClaim(editor, eventId, statement);
  for (const voter of voters) await world.vote(voter, claimId, 'FALSE');
  return claimId;
}

describe('a bloc of fresh accounts', () => {
  test('four sign-ups naming a famous newsroom cannot move a verdict: FORBIDDEN for each vote, nothing written', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor('Factcheck.kz');
    const eventId = await world.openEvent(editor, { quorum: 3, threshold: 0.66, minOrganizations: 2 });
    const claimId = await world.submitClaim(editor, eventId, 'Russian troops have invaded Kazakhstan');
    const before = await lastCursor(editor.api, eventId);

    const trolls = await Promise.all(
      [1, 2, 3, 4].map((i) => signUp(world.anonymous, { displayName: `Troll ${i}`, organization: 'Factcheck.kz' })),
    );
    for (const troll of trolls) {
      const viewer = ok(await troll.api.op('ViewerMembership')).viewer;
      expect(viewer).toMatchObject({ role: 'OBSERVER', organization: null, membership: { status: 'REQUESTED', organization: { name: 'Factcheck.kz' } } });
      const refused = await troll.api.op('CastVote', { input: { claimId, rating: 'TRUE' } });
      expect(errorCode(refused)).toBe('FORBIDDEN');
    }

    const claim = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
    expect(claim.votes.totalCount).toBe(0);
    expect(claim.verdict).toMatchObject({ status: 'UNVERIFIED', voteCount: 0, version: 0 });
    expect(await logAfter(editor.api, eventId, before)).toEqual([]);
  });
});

describe('suspension and reinstatement', () => {
  test('recompute every unpublished verdict the member voted on, log the reason, and reach a live subscriber with gapless versions', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor('Factcheck.kz');
    const eventId = await world.openEvent(editor, { quorum: 3, threshold: 0.66, minOrganizations: 2 });
    const [factcheck, vlast, kloop] = [await world.reviewer('Factcheck.kz'), await world.reviewer('Vlast.kz'), await world.reviewer('Kloop')];
    const agreed = await claimAgreedByThree(world, editor, eventId, 'ATMs were looted in Almaty', [factcheck, vlast, kloop]);
    const alsoVoted = await world.submitClaim(editor, eventId, 'Shooting in the centre of Almaty');
    await world.vote(kloop, alsoVoted, 'TRUE');
    const untouched = await world.submitClaim(editor, eventId, 'The airport is closed');
    await world.vote(vlast, untouched, 'TRUE');
    const published = await claimAgreedByThree(world, editor, eventId, 'Internet is down across the country', [factcheck, vlast, kloop]);
    ok(await editor.api.op('PublishVerdict', { input: { claimId: published, summary: 'Confirmed by NetBlocks.' } }));
    expect(await trustOf(editor.api, agreed)).toMatchObject({ status: 'CONSENSUS', voteCount: 3, organizationCount: 3 });
    const before = await lastCursor(editor.api, eventId);

    const live = liveClient(server.url);
    const changes = collect(live.client, 'OnVerdictChanged', { eventId, after: before });
    try {
      const { id: membershipId } = await membershipOf(kloop);
      const suspended = ok(
        await world.admin.api.op('SuspendMember', { input: { membershipId, reason: 'Votes copied from a pro-government channel' } }),
      ).suspendMember;
      expect(suspended.membership).toMatchObject({ status: 'SUSPENDED', reviewer: { id: kloop.id } });
      expect(suspended.recomputedClaimCount).toBe(2);

      expect(await trustOf(editor.api, agreed)).toMatchObject({
        status: 'IN_REVIEW',
        voteCount: 2,
        explanation: '2 of 3 votes: below quorum. 1 vote does not count.',
      });
      expect(await trustOf(editor.api, alsoVoted)).toMatchObject({ status: 'UNVERIFIED', voteCount: 0 });
      expect(await trustOf(editor.api, published)).toMatchObject({ status: 'PUBLISHED', rating: 'FALSE', voteCount: 3 });
      // The vote stays stored and listed, marked as not counting; anonymous readers see that, never whose it is.
      const countsOf = async (api: ApiClient) =>
        ok(await api.query('query ($id: ID!) { claim(id: $id) { votes { edges { node { counts reviewer { id } } } } } }', { id: agreed })).claim.votes.edges.map(
          (edge: { node: { counts: boolean; reviewer: { id: string } | null } }) => edge.node,
        );
      expect(await countsOf(editor.api)).toEqual([
        { counts: true, reviewer: { id: factcheck.id } },
        { counts: true, reviewer: { id: vlast.id } },
        { counts: false, reviewer: { id: kloop.id } },
      ]);
      expect(await countsOf(world.anonymous)).toEqual([true, true, false].map((counts) => ({ counts, reviewer: null })));

      const logged = await logAfter(editor.api, eventId, before);
      expect(logged.map((entry) => entry.type)).toEqual(['VERDICT_CHANGED', 'VERDICT_CHANGED']);
      expect(logged.map((entry) => entry.claim!.id).sort()).toEqual([agreed, alsoVoted].sort());
      for (const entry of logged) expect(entry.reason).toContain('Votes copied from a pro-government channel');
      // An anonymous reader of the log learns why, never who.
      expect(JSON.stringify(await logAfter(world.anonymous, eventId, before))).not.toContain(kloop.id);

      const reinstated = ok(await world.admin.api.op('ReinstateMember', { input: { membershipId } })).reinstateMember;
      expect(reinstated).toMatchObject({ membership: { status: 'ACTIVE' }, recomputedClaimCount: 2 });
      expect(await trustOf(editor.api, agreed)).toMatchObject({ status: 'CONSENSUS', voteCount: 3, organizationCount: 3 });
      expect(await trustOf(editor.api, published)).toMatchObject({ status: 'PUBLISHED', rating: 'FALSE' });

      const messages = await changes.take(4);
      const versions = new Map<string, number[]>();
      for (const { data } of messages) {
        const change = data.verdictChanged;
        versions.set(change.claim.id, [...(versions.get(change.claim.id) ?? []), change.verdict.version]);
        expect(change.verdict.version).toBe(change.previous.version + 1);
      }
      for (const claimVersions of versions.values()) expect(claimVersions[1]).toBe(claimVersions[0] + 1);
      expect([...versions.keys()].sort()).toEqual([agreed, alsoVoted].sort());
      expect(messages.map(({ data }) => data.verdictChanged.verdict.status)).toEqual(expect.arrayContaining(['IN_REVIEW', 'CONSENSUS', 'UNVERIFIED']));
    } finally {
      changes.unsubscribe();
      await live.dispose();
    }
  });

  test('a suspended member cannot vote, submit, add evidence or invite, over HTTP and on an open WebSocket; reads keep working', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor('Factcheck.kz');
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'Fuel prices doubled overnight');
    const organizationId = await world.organization('Azattyq');
    const member = await world.member(organizationId, { orgAdmin: true });
    const invite = () => member.api.op('InviteMember', { input: { organizationId, email: newEmail() } });
    ok(await invite());
    const live = liveClient(server.url, member.token);
    try {
      const vote = `mutation ($claimId: ID!) { castVote(input: { claimId: $claimId, rating: FALSE }) { claim { verdict { voteCount } } } }`;
      expect((await overSocket(live.client, vote, { claimId })).data).toEqual({ castVote: { claim: { verdict: { voteCount: 1 } } } });

      await world.suspend(member, 'Account shared outside the newsroom');

      const overTheSocket = await overSocket(live.client, vote, { claimId });
      expect(overTheSocket.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(errorCode(await member.api.op('CastVote', { input: { claimId, rating: 'TRUE' } }))).toBe('FORBIDDEN');
      expect(errorCode(await member.api.op('RetractVote', { input: { claimId } }))).toBe('FORBIDDEN');
      expect(errorCode(await member.api.op('SubmitClaim', { input: { eventId, statement: 'Another claim' } }))).toBe('FORBIDDEN');
      expect(errorCode(await member.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', title: 'A photo' } }))).toBe('FORBIDDEN');
      expect(errorCode(await invite())).toBe('FORBIDDEN');

      const claim = ok(await member.api.op('ClaimDetail', { id: claimId })).claim;
      expect(claim.votes.totalCount).toBe(1);
      expect(claim.verdict.voteCount).toBe(0);
      expect(ok(await member.api.op('ViewerMembership')).viewer.membership.status).toBe('SUSPENDED');
    } finally {
      await live.dispose();
    }
  });
});

describe('verification', () => {
  test('verifying and unverifying an organisation recomputes the verdicts its members voted on, with the reason', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor('Factcheck.kz');
    const eventId = await world.openEvent(editor, { quorum: 3, threshold: 0.66, minOrganizations: 2 });
    const pending = await world.organization('Orda.kz (pending)', false);
    const [a, b] = [await world.reviewer('Factcheck.kz'), await world.reviewer('Factcheck.kz')];
    const email = newEmail();
    const newcomer = await signUp(world.anonymous, { displayName: 'Orda reporter', invitationCode: await world.invite(pending, email) }, email);
    const claimId = await claimAgreedByThree(world, editor, eventId, 'The president left the country', [a, b, newcomer]);
    expect(await trustOf(editor.api, claimId)).toMatchObject({
      status: 'CONTESTED',
      organizationCount: 1,
      explanation: '3 of 3 votes, 100% FALSE, but 1 of 2 verified organisations.',
    });
    const before = await lastCursor(editor.api, eventId);

    const verified = ok(await world.admin.api.op('SetOrganizationVerified', { input: { organizationId: pending, verified: true } }));
    expect(verified.setOrganizationVerified.organization).toEqual({ id: pending, verified: true });
    expect(await trustOf(editor.api, claimId)).toMatchObject({ status: 'CONSENSUS', organizationCount: 2 });
    const logged = await logAfter(editor.api, eventId, before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ type: 'VERDICT_CHANGED', claim: { id: claimId }, verdict: { status: 'CONSENSUS', organizationCount: 2 } });
    expect(logged[0].reason).toContain('Orda.kz (pending) was verified');

    expect(errorCode(await editor.api.op('SetOrganizationVerified', { input: { organizationId: pending, verified: false } }))).toBe('FORBIDDEN');
    ok(await world.admin.api.op('SetOrganizationVerified', { input: { organizationId: pending, verified: false } }));
    expect(await trustOf(editor.api, claimId)).toMatchObject({ status: 'CONTESTED', organizationCount: 1 });
  });
});

describe('roles across the REVIEWER line', () => {
  test('a demotion to OBSERVER stops a reviewer\'s votes counting and a promotion makes them count again', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor('Factcheck.kz');
    const eventId = await world.openEvent(editor);
    const voters = [await world.reviewer('Factcheck.kz'), await world.reviewer('Vlast.kz'), await world.reviewer('Kloop')];
    const claimId = await claimAgreedByThree(world, editor, eventId, 'Soldiers fired on protesters', voters);
    const before = await lastCursor(editor.api, eventId);

    await world.setRole(voters[2], 'OBSERVER');
    expect(await trustOf(editor.api, claimId)).toMatchObject({ status: 'IN_REVIEW', voteCount: 2 });
    const [demotion] = await logAfter(editor.api, eventId, before);
    expect(demotion.reason).toContain('stopped counting');
    expect(errorCode(await voters[2].api.op('CastVote', { input: { claimId, rating: 'TRUE' } }))).toBe('FORBIDDEN');

    await world.setRole(voters[2], 'EDITOR');
    expect(await trustOf(editor.api, claimId)).toMatchObject({ status: 'CONSENSUS', voteCount: 3 });
    const afterPromotion = await lastCursor(editor.api, eventId);
    await world.setRole(voters[2], 'REVIEWER'); // within the line: nothing to recompute
    expect(await logAfter(editor.api, eventId, afterPromotion)).toEqual([]);
  });
});
