import { randomBytes } from 'node:crypto';
import { ApiClient, ok } from '../support/client';
import { expectRefused } from '../support/refusals';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, signUp, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** A reviewer invited into the organisation and signed up with a known email, to check who may see it. */
async function signUpWithEmail(world: World, organization: string): Promise<Member & { email: string }> {
  const email = `known-${randomBytes(6).toString('hex')}@example.org`;
  const invitationCode = await world.invite(await world.organization(organization), email);
  const input = { email, password: 'correct horse battery', displayName: `Reviewer of ${organization}`, invitationCode };
  const { signUp } = ok(await world.anonymous.op('SignUp', { input }));
  expect(signUp.reviewer).toMatchObject({ role: 'REVIEWER', email, organization });
  return { id: signUp.reviewer.id, token: signUp.token, api: world.anonymous.as(signUp.token), email };
}

/**
 * An event whose one claim went the whole way: submitted, evidenced, voted on and published,
 * so that every field that names a reviewer has one to name.
 */
async function publishedClaim(world: World) {
  const editor = await world.editor();
  const reviewer = await world.reviewer('Vlast.kz');
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(reviewer, eventId, 'Tanks entered Almaty city centre');
  ok(await reviewer.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', url: 'https://example.org/photo' } }));
  await world.vote(reviewer, claimId, 'FALSE');
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'The photos show armoured cars, not tanks.' } }));
  return { editor, reviewer, eventId, claimId };
}

const identities = /* GraphQL */ `
  query Identities($eventId: ID!, $claimId: ID!, $reviewerId: ID!) {
    event(id: $eventId) { id createdBy { id } }
    claim(id: $claimId) {
      id
      submittedBy { id }
      verdict { status publishedBy { id } }
      evidence { edges { node { submittedBy { id } } } }
      votes { edges { node { reviewer { id } } } }
    }
    activity(eventId: $eventId) { edges { node { type actor { id } } } }
    node(id: $reviewerId) { id }
  }
`;

test('the first account is the ADMIN; every later one is an OBSERVER unless an invitation gives it a role', async () => {
  const world = await World.create(server.url);
  expect(ok(await world.admin.api.op('Viewer')).viewer.role).toBe('ADMIN');

  const uninvited = await signUp(world.anonymous, { displayName: 'Walk-in', organization: 'Azattyq' });
  expect(ok(await uninvited.api.op('Viewer')).viewer).toMatchObject({ role: 'OBSERVER', organization: null });
  const invited = await signUpWithEmail(world, 'Azattyq');
  expect(ok(await invited.api.op('Viewer')).viewer.role).toBe('REVIEWER');
  expect(ok(await world.admin.api.op('Viewer')).viewer.role).toBe('ADMIN');
});

test('a role set by an ADMIN takes effect on the next request with the same token', async () => {
  const world = await World.create(server.url);
  const member = await world.reviewer();
  const other = await world.reviewer('Azattyq');
  const setRole = (role: string) => world.admin.api.op('SetReviewerRole', { input: { reviewerId: member.id, role } });
  expectRefused(await member.api.op('OpenEvent', { input: { title: 'Not yet' } }), 'FORBIDDEN');

  expect(ok(await setRole('EDITOR')).setReviewerRole.reviewer).toEqual({ id: member.id, role: 'EDITOR' });
  expect(ok(await member.api.op('Viewer')).viewer.role).toBe('EDITOR');
  const eventId = ok(await member.api.op('OpenEvent', { input: { title: 'Now an editor' } })).openEvent.event.id;

  ok(await setRole('OBSERVER'));
  expectRefused(await member.api.op('SubmitClaim', { input: { eventId, statement: 'Observers only watch' } }), 'FORBIDDEN');

  ok(await setRole('ADMIN'));
  ok(await member.api.op('SetReviewerRole', { input: { reviewerId: other.id, role: 'EDITOR' } }));
  expect(ok(await other.api.op('Viewer')).viewer.role).toBe('EDITOR');
});

test('anonymous clients read events and claims, but every reviewer in them is null', async () => {
  const world = await World.create(server.url);
  const { reviewer, eventId, claimId } = await publishedClaim(world);

  const events = ok(await world.anonymous.op('Events', { first: 100 })).events.edges.map((edge: any) => edge.node.id);
  expect(events).toContain(eventId);
  const claims = ok(await world.anonymous.op('Claims', { filter: { eventId } })).claims.edges;
  expect(claims.map((edge: any) => edge.node)).toEqual([expect.objectContaining({ id: claimId, verdict: expect.objectContaining({ status: 'PUBLISHED' }) })]);

  const seen = ok(await world.anonymous.query(identities, { eventId, claimId, reviewerId: reviewer.id }));
  expect(seen.event).toEqual({ id: eventId, createdBy: null });
  expect(seen.claim).toEqual({
    id: claimId,
    submittedBy: null,
    verdict: { status: 'PUBLISHED', publishedBy: null },
    evidence: { edges: [{ node: { submittedBy: null } }] },
    votes: { edges: [{ node: { reviewer: null } }] },
  });
  expect(seen.activity.edges.length).toBeGreaterThan(0);
  expect(seen.activity.edges.map((edge: any) => edge.node.actor)).toEqual(seen.activity.edges.map(() => null));
  expect(seen.node).toBeNull();

  const detail = ok(await world.anonymous.op('ClaimDetail', { id: claimId })).claim;
  expect(detail.submittedBy).toBeNull();
  expect(detail.evidence.edges[0].node.submittedBy).toBeNull();
  expect(detail.votes.edges[0].node.reviewer).toBeNull();
  expect(detail.viewerVote).toBeNull();
  expect(ok(await world.anonymous.op('Node', { id: claimId })).node).toEqual({ id: claimId, __typename: 'Claim' });
});

test('a signed-in reviewer, even an OBSERVER, sees who did what', async () => {
  const world = await World.create(server.url);
  const { editor, reviewer, eventId, claimId } = await publishedClaim(world);
  const observer = await world.reviewer('Readers', 'OBSERVER');

  const seen = ok(await observer.api.query(identities, { eventId, claimId, reviewerId: reviewer.id }));
  expect(seen.event).toEqual({ id: eventId, createdBy: { id: editor.id } });
  expect(seen.claim).toEqual({
    id: claimId,
    submittedBy: { id: reviewer.id },
    verdict: { status: 'PUBLISHED', publishedBy: { id: editor.id } },
    evidence: { edges: [{ node: { submittedBy: { id: reviewer.id } } }] },
    votes: { edges: [{ node: { reviewer: { id: reviewer.id } } }] },
  });
  const actors = seen.activity.edges.map((edge: any) => [edge.node.type, edge.node.actor?.id]);
  expect(actors).toEqual(
    expect.arrayContaining([
      ['EVENT_OPENED', editor.id],
      ['CLAIM_SUBMITTED', reviewer.id],
      ['EVIDENCE_ADDED', reviewer.id],
      ['VOTE_CAST', reviewer.id],
      ['VERDICT_PUBLISHED', editor.id],
    ]),
  );
  expect(actors.every(([, actor]: [string, string | undefined]) => actor !== undefined)).toBe(true);
  expect(seen.node).toEqual({ id: reviewer.id });
});

test('a reviewer\'s email is shown to the reviewer and to admins only', async () => {
  const world = await World.create(server.url);
  const author = await signUpWithEmail(world, 'Vlast.kz');
  const peer = await signUpWithEmail(world, 'Azattyq');
  const editor = await world.editor();
  const eventId = await world.openEvent(editor);
  const claimId = await world.submitClaim(author, eventId, 'Mobile networks are down in Almaty');
  const emails = /* GraphQL */ `
    query Emails($claimId: ID!, $authorId: ID!) {
      viewer { email }
      claim(id: $claimId) { submittedBy { email } }
      node(id: $authorId) { ... on Reviewer { email } }
    }
  `;
  const emailsSeenBy = async (api: ApiClient) => ok(await api.query(emails, { claimId, authorId: author.id }));

  expect(await emailsSeenBy(author.api)).toEqual({
    viewer: { email: author.email },
    claim: { submittedBy: { email: author.email } },
    node: { email: author.email },
  });
  expect(await emailsSeenBy(world.admin.api)).toMatchObject({
    claim: { submittedBy: { email: author.email } },
    node: { email: author.email },
  });
  expect(await emailsSeenBy(peer.api)).toEqual({
    viewer: { email: peer.email },
    claim: { submittedBy: { email: null } },
    node: { email: null },
  });
  expect(await emailsSeenBy(editor.api)).toMatchObject({ claim: { submittedBy: { email: null } }, node: { email: null } });
  expect(await emailsSeenBy(world.anonymous)).toEqual({ viewer: null, claim: { submittedBy: null }, node: null });
});

test('an anonymous sign-up shows the new account as its owner sees it, and the rest of the document stays anonymous', async () => {
  const world = await World.create(server.url);
  const organizationId = await world.organization('Vlast.kz');
  const signUpAs = async (document: string) => {
    const email = `known-${randomBytes(6).toString('hex')}@example.org`;
    const invitationCode = await world.invite(organizationId, email, 'REVIEWER', world.admin, { orgAdmin: true });
    const input = { email, password: 'correct horse battery', displayName: 'Desk lead', invitationCode };
    return { email, response: await world.anonymous.query(document, { input, organizationId }) };
  };

  const seen = await signUpAs(/* GraphQL */ `
    mutation SignUpAndRead($input: SignUpInput!) { signUp(input: $input) { reviewer { email membership { status orgAdmin } } } }
  `);
  expect(ok(seen.response).signUp).toEqual({ reviewer: { email: seen.email, membership: { status: 'ACTIVE', orgAdmin: true } } });

  // The token goes to the client: the document's next field is not the new account's, though it administers the organisation.
  const { response } = await signUpAs(/* GraphQL */ `
    mutation SignUpAndInvite($input: SignUpInput!, $organizationId: ID!) {
      signUp(input: $input) { token }
      inviteMember(input: { organizationId: $organizationId, email: "next@example.org" }) { invitation { email } }
    }
  `);
  expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
});

test('viewer is null for an anonymous client, without an error', async () => {
  const world = await World.create(server.url);
  const response = await world.anonymous.op('Viewer');
  expect(response.errors).toBeUndefined();
  expect(response.status).toBe(200);
  expect(response.data).toEqual({ viewer: null });
});

test('viewerVote is the signed-in reviewer\'s own vote, on every claim of a list', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const [first, second, bystander] = [await world.reviewer('Vlast.kz'), await world.reviewer('Azattyq'), await world.reviewer('KazTAG')];
  const eventId = await world.openEvent(editor, { quorum: 3 });
  const airport = await world.submitClaim(first, eventId, 'The airport was seized');
  const bread = await world.submitClaim(first, eventId, 'Shops ran out of bread');
  const firstOnAirport = (await world.vote(first, airport, 'FALSE')).vote.id;
  const secondOnAirport = (await world.vote(second, airport, 'TRUE')).vote.id;
  const secondOnBread = (await world.vote(second, bread, 'MIXED')).vote.id;
  const viewerVotes = /* GraphQL */ `
    query ViewerVotes($eventId: ID!) {
      claims(filter: { eventId: $eventId }) { edges { node { id viewerVote { id rating } } } }
    }
  `;
  const votesSeenBy = async (api: ApiClient) =>
    Object.fromEntries(
      ok(await api.query(viewerVotes, { eventId })).claims.edges.map((edge: any) => [edge.node.id, edge.node.viewerVote]),
    );

  expect(await votesSeenBy(first.api)).toEqual({ [airport]: { id: firstOnAirport, rating: 'FALSE' }, [bread]: null });
  expect(await votesSeenBy(second.api)).toEqual({
    [airport]: { id: secondOnAirport, rating: 'TRUE' },
    [bread]: { id: secondOnBread, rating: 'MIXED' },
  });
  expect(await votesSeenBy(bystander.api)).toEqual({ [airport]: null, [bread]: null });
  expect(await votesSeenBy(world.anonymous)).toEqual({ [airport]: null, [bread]: null });

  await world.vote(first, airport, 'MISLEADING');
  expect(ok(await first.api.op('ClaimDetail', { id: airport })).claim.viewerVote).toEqual({ id: firstOnAirport, rating: 'MISLEADING' });
  ok(await first.api.op('RetractVote', { input: { claimId: airport } }));
  expect(ok(await first.api.op('ClaimDetail', { id: airport })).claim.viewerVote).toBeNull();
  expect(ok(await second.api.op('ClaimDetail', { id: airport })).claim.viewerVote).toEqual({ id: secondOnAirport, rating: 'TRUE' });
});
