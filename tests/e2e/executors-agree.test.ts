import { ApiClient, contractDocument, contractOperationNames, ok, type GraphQLResponse } from '../support/client';
import { liveClient, overSocket, type Answer } from '../support/live-client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

// Operations run on two executors: graphql-jit behind Apollo over HTTP, graphql-js over the
// WebSocket. Every contract query and every mutation's refusal must come out the same through
// both doors, data and errors alike, for an anonymous reader, a reviewer and an ADMIN; and
// every mutation that succeeds must, run on two worlds built alike, one behind each door.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

type Located = { locations?: { line: number; column: number }[] };

/** What a client can rely on in an answer: data, and each error's message, path, locations, code and field. */
function comparable({ data, errors }: Answer | GraphQLResponse) {
  return {
    data: data ?? null,
    errors:
      errors?.map(({ message, path, extensions, ...rest }) => ({
        message,
        path: path ?? null,
        locations: (rest as Located).locations ?? null,
        code: extensions?.code ?? null,
        field: extensions?.field ?? null,
      })) ?? null,
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

/** Sends a contract operation through one door, signed with `token` (or anonymous). */
type Door = (token: string | undefined, operationName: string, variables: Record<string, unknown>) => Promise<Answer>;

const httpDoor = (url: string): Door => (token, operationName, variables) => new ApiClient(url, token).op(operationName, variables);

/** graphql-ws with one socket per token, as each signed-in front end keeps one. */
function socketDoor(url: string) {
  const sockets = new Map<string, ReturnType<typeof liveClient>>();
  const send: Door = (token, operationName, variables) => {
    const key = token ?? '';
    if (!sockets.has(key)) sockets.set(key, liveClient(url, token));
    return overSocket(sockets.get(key)!.client, contractDocument, variables, operationName);
  };
  return { send, close: () => Promise.all([...sockets.values()].map((socket) => socket.dispose())) };
}

const isGlobalId = (text: string) => /^\w+:[0-9a-f-]{36}$/.test(Buffer.from(text, 'base64').toString());

/**
 * An answer with what differs between two worlds built alike made the same: ids (also a path
 * segment of a text, as in a claim's url), codes and cursors by the order they first appear in (the same
 * value, the same name), times and tokens by what they are.
 */
function normaliser() {
  const names = new Map<string, string>();
  const generated = new Set(['id', 'code', 'cursor']);
  const name = (value: string, kind: string) => {
    if (!names.has(value)) names.set(value, `<${kind} #${names.size + 1}>`);
    return names.get(value)!;
  };
  const normal = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((item) => normal(item, key));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v, k)]));
    if (typeof value !== 'string') return value;
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return '<time>';
    if (/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(value)) return '<token>';
    if (generated.has(key)) return name(value, key);
    return value.split('/').map((part) => (part.length >= 40 && isGlobalId(part) ? name(part, 'id') : part)).join('/');
  };
  return (answer: Answer) => normal(comparable(answer));
}

/**
 * The life of a newsroom through every contract mutation, sent through one door; returns each
 * step's operation and its normalised answer. A step whose answer has errors fails the story.
 */
async function newsroomStory(door: Door) {
  const normal = normaliser();
  const transcript: { step: number; operationName: string; answer: unknown }[] = [];
  const run = async (token: string | undefined, operationName: string, input: Record<string, unknown>) => {
    const answer = await door(token, operationName, { input });
    transcript.push({ step: transcript.length + 1, operationName, answer: normal(answer) });
    if (answer.errors?.length || !answer.data) throw new Error(`${operationName} (step ${transcript.length}) failed: ${JSON.stringify(answer.errors)}`);
    return Object.values(answer.data)[0] as any;
  };
  const password = 'correct horse battery';
  const signUp = async (email: string, displayName: string, invitationCode?: string) =>
    (await run(undefined, 'SignUp', { email, password, displayName, ...(invitationCode ? { invitationCode } : {}) })) as { token: string; reviewer: { id: string } };

  const admin = (await signUp('admin@example.org', 'Admin')).token; // the first account is the ADMIN
  const organizationId = (await run(admin, 'CreateOrganization', { name: 'Vlast.kz', url: 'https://vlast.kz', verified: false })).organization.id;
  await run(admin, 'SetOrganizationVerified', { organizationId, verified: true });
  const editorCode = (await run(admin, 'InviteMember', { organizationId, email: 'editor@example.org', role: 'EDITOR', orgAdmin: true })).invitation.code;
  const editor = (await signUp('editor@example.org', 'Editor', editorCode)).token;
  const reviewerCode = (await run(editor, 'InviteMember', { organizationId, email: 'reviewer@example.org' })).invitation.code;
  await signUp('reviewer@example.org', 'Reviewer');
  const reviewer = (await run(undefined, 'LogIn', { email: 'reviewer@example.org', password })).token;
  await run(reviewer, 'AcceptInvitation', { code: reviewerCode });
  const { token: applicant, reviewer: { id: applicantId } } = await signUp('applicant@example.org', 'Applicant');
  await run(admin, 'SetReviewerRole', { reviewerId: applicantId, role: 'REVIEWER' });
  const membershipId = (await run(applicant, 'RequestMembership', { organizationId })).membership.id;
  await run(editor, 'DecideMembership', { membershipId, approve: true });

  const eventId = (await run(editor, 'OpenEvent', { title: 'Unrest in Kazakhstan', region: 'Kazakhstan', policy: { quorum: 1 } })).event.id;
  await run(editor, 'UpdateEvent', { eventId, description: 'Internet shutdown, January 2022' });
  const claimId = (await run(reviewer, 'SubmitClaim', { eventId, statement: 'ATMs were looted in Almaty', language: 'en' })).claim.id;
  const copyId = (await run(applicant, 'SubmitClaim', { eventId, statement: 'Almaty ATMs looted' })).claim.id;
  const evidenceId = (await run(reviewer, 'AddEvidence', { claimId, stance: 'REFUTES', url: 'https://example.org/photo', title: 'Photo from 2016' })).evidence.id;
  await run(reviewer, 'CastVote', { claimId, rating: 'FALSE', rationale: 'Old photo', evidenceIds: [evidenceId] });
  await run(applicant, 'CastVote', { claimId, rating: 'FALSE' });
  await run(editor, 'PublishVerdict', { claimId, summary: 'The photo is from 2016.' });
  await run(editor, 'ReopenClaim', { claimId, reason: 'A new video' });
  await run(reviewer, 'RetractVote', { claimId });
  await run(editor, 'MarkDuplicate', { claimId: copyId, duplicateOfId: claimId });
  await run(admin, 'SuspendMember', { membershipId, reason: 'Voted from a sock puppet' });
  await run(admin, 'ReinstateMember', { membershipId });
  await run(editor, 'CloseEvent', { eventId });
  return transcript;
}

test('every contract mutation that succeeds answers alike over HTTP (graphql-jit) and the WebSocket (graphql-js), on two worlds built alike', async () => {
  // Two new servers, so that both worlds start from nothing: the same first account, the same names.
  const [overHttp, overWs] = await Promise.all([startTestServer(), startTestServer()]);
  const socket = socketDoor(overWs.url);
  try {
    const [viaHttp, viaWs] = await Promise.all([newsroomStory(httpDoor(overHttp.url)), newsroomStory(socket.send)]);
    expect(viaWs).toEqual(viaHttp);
    const mutations = contractOperationNames.filter((name) => kindOf(name) === 'mutation');
    expect(new Set(viaHttp.map((step) => step.operationName))).toEqual(new Set(mutations));
    console.log(`executors agree: ${viaHttp.length} successful mutations answered alike over HTTP and WebSocket`);
  } finally {
    await socket.close();
    await Promise.all([overHttp.stop(), overWs.stop()]);
  }
});
