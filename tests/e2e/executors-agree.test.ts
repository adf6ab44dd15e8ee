import { contractDocument, contractOperationNames, ok, type GraphQLResponse } from '../support/client';
import { liveClient, overSocket, type Answer } from '../support/live-client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

// Operations run on two executors: graphql-jit behind Apollo over HTTP, graphql-js over the
// WebSocket. Every contract query and every mutation's refusal must come out the same through
// both doors, data and errors alike, for an anonymous reader, a reviewer and an ADMIN.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** What a client can rely on in an answer: data, and each error's message, path, code and field. */
function comparable({ data, errors }: Answer | GraphQLResponse) {
  return {
    data: data ?? null,
    errors: errors?.map(({ message, path, extensions }) => ({ message, path: path ?? null, code: extensions?.code ?? null, field: extensions?.field ?? null })) ?? null,
  };
}

const unknown = { claim: 'Q2xhaW06MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw', event: 'RXZlbnQ6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw' };

test('every contract query and every refused mutation answers alike over HTTP (graphql-jit) and the WebSocket (graphql-js)', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor('Factcheck.kz');
  const reviewer = await world.reviewer('Vlast.kz');
  const eventId = await world.openEvent(editor, { quorum: 2, minOrganizations: 2 });
  const claimId = await world.submitClaim(reviewer, eventId, 'ATMs were looted in Almaty', { language: 'en', sourceUrl: 'https://example.org/atm' });
  const evidenceId = ok(await reviewer.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', url: 'https://example.org/photo', title: 'Photo from 2016' } }))
    .addEvidence.evidence.id;
  await world.vote(reviewer, claimId, 'FALSE', { evidenceIds: [evidenceId], rationale: 'Old photo' });
  await world.vote(editor, claimId, 'FALSE');
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'The photo is from 2016.' } }));
  const organizationId = await world.organization('Factcheck.kz');

  const queries: Record<string, Record<string, unknown>[]> = {
    Viewer: [{}],
    ViewerMembership: [{}],
    Events: [{ first: 5 }, { first: 1, after: 'bm90IGEgY3Vyc29y' }],
    EventBoard: [{ id: eventId, first: 10 }, { id: eventId, filter: { status: ['PUBLISHED'], search: 'banks ATMs' }, orderBy: 'RECENTLY_UPDATED' }, { id: unknown.event }],
    ClaimDetail: [{ id: claimId }, { id: unknown.claim }, { id: 'not-an-id' }],
    ClaimTrust: [{ id: claimId }],
    Claims: [{ first: 3, filter: { eventId } }, { first: 101 }],
    SimilarClaims: [{ text: 'ATMs looted', eventId }],
    Node: [{ id: claimId }, { id: reviewer.id }, { id: evidenceId }, { id: organizationId }, { id: 'not-an-id' }],
    ActivitySince: [{ eventId, first: 50 }, { eventId, after: 'bm90IGEgY3Vyc29y' }],
    Organizations: [{ first: 10 }, { first: 10, verified: true }],
    OrganizationMembers: [{ id: organizationId, first: 10 }],
  };
  const names = contractOperationNames.filter((name) => kindOf(name) !== 'subscription');
  const mutations = names.filter((name) => kindOf(name) === 'mutation');
  expect(Object.keys(queries).sort()).toEqual(names.filter((name) => kindOf(name) === 'query').sort());

  const callers: [string, Member | null][] = [['anonymous', null], ['reviewer', reviewer], ['admin', world.admin]];
  let compared = 0;
  for (const [who, member] of callers) {
    const live = liveClient(server.url, member?.token);
    const api = member?.api ?? world.anonymous;
    try {
      const both = async (operationName: string, variables: Record<string, unknown>) => {
        const overHttp = comparable(await api.op(operationName, variables));
        const overWs = comparable(await overSocket(live.client, contractDocument, variables, operationName));
        expect({ who, operationName, variables, answer: overWs }).toEqual({ who, operationName, variables, answer: overHttp });
        compared++;
      };
      for (const [operationName, variableSets] of Object.entries(queries)) for (const variables of variableSets) await both(operationName, variables);
      // Mutations that are refused write nothing, so both doors can be asked the same.
      for (const operationName of mutations) await both(operationName, { input: refusedInput(operationName) });
    } finally {
      await live.dispose();
    }
  }
  console.log(`executors agree: ${compared} answers compared over HTTP and WebSocket (${mutations.length} mutations refused alike)`);
});

function kindOf(operationName: string): string {
  const match = new RegExp(`^(query|mutation|subscription) ${operationName}\\b`, 'm').exec(contractDocument);
  return match![1];
}

/** An input each mutation refuses without writing: ids that name nothing, or values out of range. */
function refusedInput(operationName: string): Record<string, unknown> {
  const ids = { claimId: unknown.claim, eventId: unknown.event, duplicateOfId: unknown.claim, organizationId: unknown.event, membershipId: unknown.claim };
  switch (operationName) {
    case 'SignUp':
      return { email: 'not an email', password: 'short', displayName: '' };
    case 'LogIn':
      return { email: 'nobody@example.org', password: 'not the password' };
    case 'SetReviewerRole':
      return { reviewerId: unknown.claim, role: 'EDITOR' };
    case 'OpenEvent':
      return { title: 'Out of range', policy: { quorum: 0 } };
    case 'UpdateEvent':
    case 'CloseEvent':
      return { eventId: ids.eventId };
    case 'SubmitClaim':
      return { eventId: ids.eventId, statement: 'Nowhere to go' };
    case 'AddEvidence':
      return { claimId: ids.claimId, stance: 'REFUTES', title: 'Nothing to add to' };
    case 'CastVote':
      return { claimId: ids.claimId, rating: 'FALSE' };
    case 'CreateOrganization':
      return { name: 'Bad url', url: 'ftp://example.org' };
    case 'SetOrganizationVerified':
      return { organizationId: ids.organizationId, verified: true };
    case 'InviteMember':
      return { organizationId: ids.organizationId, email: 'someone@example.org' };
    case 'AcceptInvitation':
      return { code: 'x'.repeat(43) };
    case 'RequestMembership':
      return { organizationId: ids.organizationId };
    case 'DecideMembership':
      return { membershipId: ids.membershipId, approve: true };
    case 'SuspendMember':
      return { membershipId: ids.membershipId, reason: 'Nobody to suspend' };
    case 'RetractVote':
      return { claimId: ids.claimId };
    case 'PublishVerdict':
      return { claimId: ids.claimId, summary: 'Nothing to publish' };
    case 'ReopenClaim':
      return { claimId: ids.claimId, reason: 'Nothing to reopen' };
    case 'MarkDuplicate':
      return { claimId: ids.claimId, duplicateOfId: ids.duplicateOfId };
    case 'ReinstateMember':
      return { membershipId: ids.membershipId };
    default:
      throw new Error(`No refused input for ${operationName}: add one`);
  }
}
