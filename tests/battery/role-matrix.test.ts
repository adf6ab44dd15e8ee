import { randomBytes } from 'node:crypto';
import { ApiClient, contractDocument, ok, type GraphQLResponse } from '../support/client';
import { collect, liveClient, overSocket } from '../support/live-client';
import { expectSafeErrors } from '../support/refusals';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, newEmail, Role, signUp, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  // Every cell makes its own events, claims, members and organisations, most of them by the one admin and
  // the one editor: the per-reviewer limit is a newsroom's, not a matrix's.
  server = await startTestServer({ NODE_ENV: 'production', RATE_LIMIT_MUTATIONS_PER_REVIEWER: '1000000' });
});
afterAll(() => server?.stop());

/**
 * The callers: the five roles, an organisation admin (a REVIEWER with orgAdmin in the matrix's
 * newsroom), and a suspended member (one of the newsroom's admins, then suspended, so that a
 * refusal in its column can come only from the suspension).
 */
const roles = ['anonymous', 'OBSERVER', 'REVIEWER', 'EDITOR', 'ADMIN', 'org admin', 'suspended'] as const;
type Who = (typeof roles)[number];
type Cell = 'allowed' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'CONFLICT' | 'BAD_USER_INPUT';

const A: Cell = 'allowed';
const F: Cell = 'FORBIDDEN';
const U: Cell = 'UNAUTHENTICATED';
const C: Cell = 'CONFLICT';
const B: Cell = 'BAD_USER_INPUT';
/** "ADMIN only." */
const adminOnly: Cell[] = [U, F, F, F, A, F, F];
/** "EDITOR or ADMIN." */
const editorOrAdmin: Cell[] = [U, F, F, A, A, F, F];
/** "REVIEWER or above", and a suspended member may not vote, submit or add evidence. */
const reviewerOrAbove: Cell[] = [U, F, A, A, A, A, F];
/** No role named: anyone, signed in or not. */
const anyone: Cell[] = [A, A, A, A, A, A, A];
/** "The organisation's admins or an ADMIN", on the org admin's own organisation; a SUSPENDED member is no longer one of its admins. */
const itsAdmins: Cell[] = [U, F, F, F, A, A, F];
/** The same, on another organisation than the org admin's. */
const otherOrganization: Cell[] = [U, F, F, F, A, F, F];
/** The same, on a membership in the wrong state: CONFLICT for those who may act, FORBIDDEN (not the state) for the rest. */
const itsAdminsWrongState: Cell[] = [U, F, F, F, C, C, F];
/** "Signed in, with no ACTIVE membership": every caller of the matrix is an ACTIVE member but the ADMIN (who signed up first, before any organisation) and the suspended one. */
const withoutActiveMembership: Cell[] = [U, C, C, C, A, C, A];
/** "Nobody is invited as ADMIN": BAD_USER_INPUT for those who may invite, FORBIDDEN for the rest. */
const invitedAsAdmin: Cell[] = [U, F, F, F, B, B, F];

/**
 * The mutations of the contract, each with who may call it as its description says, in the
 * order of `roles`. A row named "Operation (case)" sends Operation in that case.
 */
const mutationTable: [row: string, cells: Cell[], source: string][] = [
  ['SignUp', anyone, 'signUp: "Creates an account."'],
  ['LogIn', anyone, 'logIn: no role named'],
  ['SetReviewerRole', adminOnly, 'setReviewerRole: "ADMIN only."'],
  ['OpenEvent', editorOrAdmin, 'openEvent: "EDITOR or ADMIN."'],
  ['UpdateEvent', editorOrAdmin, 'updateEvent: "EDITOR or ADMIN."'],
  ['CloseEvent', editorOrAdmin, 'closeEvent: "EDITOR or ADMIN."'],
  ['SubmitClaim', reviewerOrAbove, 'submitClaim: "REVIEWER or above."; a suspended member cannot submit claims'],
  ['AddEvidence', reviewerOrAbove, 'addEvidence: "REVIEWER or above."; a suspended member cannot add evidence'],
  ['CastVote', reviewerOrAbove, 'castVote: "REVIEWER or above."; a suspended member cannot vote'],
  ['RetractVote', reviewerOrAbove, 'retractVote: "REVIEWER or above."; a suspended member cannot vote (its own vote, cast before the suspension, stays)'],
  ['PublishVerdict', editorOrAdmin, 'publishVerdict: "EDITOR or ADMIN."'],
  ['ReopenClaim', editorOrAdmin, 'reopenClaim: "EDITOR or ADMIN."'],
  ['MarkDuplicate', editorOrAdmin, 'markDuplicate: "EDITOR or ADMIN."'],
  ['CreateOrganization', adminOnly, 'createOrganization: "ADMIN only."'],
  ['SetOrganizationVerified', adminOnly, 'setOrganizationVerified: "ADMIN only."'],
  ['InviteMember', itsAdmins, 'inviteMember: "The organisation\'s admins (orgAdmin members) or an ADMIN"; a suspended member cannot invite'],
  ['InviteMember (OBSERVER)', itsAdmins, 'inviteMember: "Organisation admins may invite REVIEWERs and OBSERVERs"'],
  ['InviteMember (EDITOR)', otherOrganization, 'inviteMember: "an ADMIN may also invite EDITORs"'],
  ['InviteMember (ADMIN)', invitedAsAdmin, 'inviteMember: "Nobody is invited as ADMIN."'],
  ['InviteMember (another organisation)', otherOrganization, 'inviteMember: "The organisation\'s admins"'],
  ['AcceptInvitation', withoutActiveMembership, 'acceptInvitation: "Signed in, with no ACTIVE membership"'],
  ['RequestMembership', withoutActiveMembership, 'requestMembership: "Signed in, with no ACTIVE membership"'],
  ['DecideMembership', itsAdmins, 'decideMembership: "The organisation\'s admins or an ADMIN"'],
  ['DecideMembership (decided)', itsAdminsWrongState, 'decideMembership: "approves ... or declines a REQUESTED membership"'],
  ['DecideMembership (another organisation)', otherOrganization, 'decideMembership: "The organisation\'s admins"'],
  ['SuspendMember', itsAdmins, 'suspendMember: "The organisation\'s admins or an ADMIN."'],
  ['SuspendMember (suspended)', itsAdminsWrongState, 'suspendMember: of an ACTIVE member'],
  ['SuspendMember (another organisation)', otherOrganization, 'suspendMember: "The organisation\'s admins"'],
  ['ReinstateMember', itsAdmins, 'reinstateMember: "The organisation\'s admins or an ADMIN"'],
  ['ReinstateMember (active)', itsAdminsWrongState, 'reinstateMember: "a SUSPENDED member becomes ACTIVE again"'],
  ['ReinstateMember (another organisation)', otherOrganization, 'reinstateMember: "The organisation\'s admins"'],
];

/** The organisation of the org admin and of the suspended member, and one they have nothing to do with. */
const newsroom = 'Matrix newsroom';
const elsewhere = 'Matrix elsewhere';

let world: World;
let editor: Member;
const members = new Map<Who, Member | undefined>();
const apiOf = (who: Who): ApiClient => members.get(who)?.api ?? world.anonymous;

beforeAll(async () => {
  world = await World.create(server.url);
  editor = await world.editor();
  for (const who of roles) members.set(who, who === 'ADMIN' ? world.admin : await memberLike(who));
});

/** A member enrolled by the admin's invitation into a verified organisation, with its email. */
async function enrol(organization: string, role: Role = 'REVIEWER', orgAdmin = false) {
  return world.member(await world.organization(organization), { role, orgAdmin });
}



/**
 * A new caller like the column's, made as the column's own was (the ADMIN: signed up with no
 * organisation and promoted), for calls that change the caller. `beforeSuspension` runs while
 * the suspended one still may act.
 */
async function memberLike(who: Who, beforeSuspension?: (member: Member) => Promise<unknown>): Promise<(Member & { email: string }) | undefined> {
  switch (who) {
    case 'anonymous':
      return undefined;
    case 'OBSERVER':
      return enrol('Readers', 'OBSERVER');
    case 'REVIEWER':
      return enrol('Vlast.kz');
    case 'EDITOR':
      return enrol('Azattyq', 'EDITOR');
    case 'ADMIN': {
      const admin = await signUp(world.anonymous, { displayName: 'Matrix ADMIN' });
      await world.setRole(admin, 'ADMIN');
      return admin;
    }
    case 'org admin':
      return enrol(newsroom, 'REVIEWER', true);
    case 'suspended': {
      const member = await enrol(newsroom, 'REVIEWER', true);
      await beforeSuspension?.(member);
      await world.suspend(member);
      return member;
    }
  }
}

/** A claim in CONSENSUS (quorum 1), in an event of its own. */
async function claimInConsensus() {
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, eventId, `Consensus claim ${randomBytes(3).toString('hex')}`);
  await world.vote(editor, claimId, 'FALSE');
  return { eventId, claimId };
}

/** A new account's REQUESTED membership in the organisation. */
async function requested(organization: string): Promise<string> {
  const applicant = await signUp(world.anonymous, { displayName: 'Matrix applicant' });
  const data = ok(await applicant.api.op('RequestMembership', { input: { organizationId: await world.organization(organization) } }));
  return data.requestMembership.membership.id;
}

/** A new member's ACTIVE membership in the organisation, SUSPENDED by the admin when asked. */
async function membership(organization: string, suspended = false): Promise<string> {
  const member = await enrol(organization);
  if (suspended) await world.suspend(member);
  return world.membershipOf(member);
}

/** A call of a row by one caller: its variables, and the caller when it is not the column's own. */
interface Call {
  variables: Record<string, unknown>;
  caller?: Member;
}

/**
 * Everything a call needs to succeed when the caller may make it, made fresh for each cell (by
 * the editor or the admin, or by the caller where the call acts on the caller's own things), so
 * that a refusal can only come from who the caller is.
 */
async function callFor(row: string, who: Who): Promise<Call> {
  const hex = () => randomBytes(4).toString('hex');
  const mayVote = reviewerOrAbove[roles.indexOf(who)] === 'allowed';
  switch (row) {
    case 'SignUp':
      return { variables: { input: { email: newEmail(), password: 'correct horse battery', displayName: 'Matrix' } } };
    case 'LogIn': {
      const input = { email: newEmail(), password: 'correct horse battery', displayName: 'Matrix' };
      ok(await world.anonymous.op('SignUp', { input }));
      return { variables: { input: { email: input.email, password: input.password } } };
    }
    case 'SetReviewerRole':
      return { variables: { input: { reviewerId: (await world.reviewer('Matrix')).id, role: 'OBSERVER' } } };
    case 'OpenEvent':
      return { variables: { input: { title: 'Matrix event', policy: { quorum: 2 } } } };
    case 'UpdateEvent':
      return { variables: { input: { eventId: await world.openEvent(editor), title: 'Renamed', policy: { quorum: 4 } } } };
    case 'CloseEvent':
      return { variables: { input: { eventId: await world.openEvent(editor) } } };
    case 'SubmitClaim':
      return { variables: { input: { eventId: await world.openEvent(editor), statement: 'Gunfire heard near the airport' } } };
    case 'AddEvidence': {
      const eventId = await world.openEvent(editor);
      const claimId = await world.submitClaim(editor, eventId, 'A curfew was declared');
      return { variables: { input: { claimId, stance: 'SUPPORTS', url: 'https://example.org/curfew' } } };
    }
    case 'CastVote': {
      const eventId = await world.openEvent(editor);
      return { variables: { input: { claimId: await world.submitClaim(editor, eventId, 'Banks are closed'), rating: 'MIXED' } } };
    }
    case 'RetractVote': {
      const eventId = await world.openEvent(editor);
      const claimId = await world.submitClaim(editor, eventId, 'Fuel prices doubled overnight');
      await world.vote(editor, claimId, 'TRUE'); // someone else's vote, for those who cannot vote
      if (who === 'suspended') {
        // A vote of its own, cast before the suspension: only the suspension can refuse its retraction.
        return { variables: { input: { claimId } }, caller: await memberLike(who, (member) => world.vote(member as Member, claimId, 'FALSE')) };
      }
      const own = members.get(who);
      if (own && mayVote) await world.vote(own, claimId, 'FALSE');
      return { variables: { input: { claimId } } };
    }
    case 'PublishVerdict':
      return { variables: { input: { claimId: (await claimInConsensus()).claimId, summary: 'Checked against the photos' } } };
    case 'ReopenClaim': {
      const { claimId } = await claimInConsensus();
      ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Published' } }));
      return { variables: { input: { claimId, reason: 'New footage' } } };
    }
    case 'MarkDuplicate': {
      const { eventId, claimId } = await claimInConsensus();
      return { variables: { input: { claimId: await world.submitClaim(editor, eventId, 'The same story, retold'), duplicateOfId: claimId } } };
    }
    case 'CreateOrganization':
      return { variables: { input: { name: `Matrix outlet ${hex()}`, url: 'https://outlet.example.org', verified: true } } };
    case 'SetOrganizationVerified':
      return { variables: { input: { organizationId: await world.organization(`Matrix unverified ${hex()}`, false), verified: true } } };
    case 'InviteMember':
    case 'InviteMember (OBSERVER)':
    case 'InviteMember (EDITOR)':
    case 'InviteMember (ADMIN)':
    case 'InviteMember (another organisation)': {
      const role = /\((OBSERVER|EDITOR|ADMIN)\)/.exec(row)?.[1] ?? 'REVIEWER';
      const organizationId = await world.organization(row.endsWith('(another organisation)') ? elsewhere : newsroom);
      return { variables: { input: { organizationId, email: newEmail(), role, expiresInHours: 24 } } };
    }
    case 'AcceptInvitation': {
      const caller = await memberLike(who);
      const code = await world.invite(await world.organization('Matrix joiners'), caller?.email ?? newEmail());
      return { variables: { input: { code } }, caller };
    }
    case 'RequestMembership':
      return { variables: { input: { organizationId: await world.organization('Matrix joiners') } }, caller: await memberLike(who) };
    case 'DecideMembership':
      return { variables: { input: { membershipId: await requested(newsroom), approve: true } } };
    case 'DecideMembership (decided)': {
      const membershipId = await requested(newsroom);
      ok(await world.admin.api.op('DecideMembership', { input: { membershipId, approve: true } }));
      return { variables: { input: { membershipId, approve: false } } };
    }
    case 'DecideMembership (another organisation)':
      return { variables: { input: { membershipId: await requested(elsewhere), approve: true } } };
    case 'SuspendMember':
      return { variables: { input: { membershipId: await membership(newsroom), reason: 'Voted on a claim about their own newsroom' } } };
    case 'SuspendMember (suspended)':
      return { variables: { input: { membershipId: await membership(newsroom, true), reason: 'Again' } } };
    case 'SuspendMember (another organisation)':
      return { variables: { input: { membershipId: await membership(elsewhere), reason: 'Voted on a claim about their own newsroom' } } };
    case 'ReinstateMember':
      return { variables: { input: { membershipId: await membership(newsroom, true) } } };
    case 'ReinstateMember (active)':
      return { variables: { input: { membershipId: await membership(newsroom) } } };
    case 'ReinstateMember (another organisation)':
      return { variables: { input: { membershipId: await membership(elsewhere, true) } } };
    default:
      throw new Error(`No call for ${row}`);
  }
}

/**
 * A digest of every table's rows: what a refused call must leave as it was. Only the rate
 * limiter's counters (which count refused calls too, as they must) and the migrations are left out.
 */
async function tableDigests(): Promise<Map<string, string>> {
  const dataSource = server.server.database.dataSource;
  const tables: { name: string }[] = await dataSource.query(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT IN ('migrations', 'rate_limits')
      ORDER BY table_name`,
  );
  const digests: { name: string; digest: string }[] = await dataSource.query(
    tables.map(({ name }) => `SELECT '${name}' AS name, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${name}" t`).join(' UNION ALL '),
  );
  return new Map(digests.map(({ name, digest }) => [name, digest]));
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((table) => before.get(table) !== after.get(table));
}

function outcomeOf(response: GraphQLResponse): Cell | string {
  expectSafeErrors(response);
  if (!response.errors?.length && response.data) return 'allowed';
  return String(response.errors?.[0]?.extensions?.code);
}

function printMatrix(title: string, rows: [string, (Cell | string)[]][]): void {
  const width = Math.max(...rows.map(([name]) => name.length));
  const header = `${''.padEnd(width)} | ${roles.map((role) => role.padEnd(15)).join(' | ')}`;
  const lines = rows.map(([name, cells]) => `${name.padEnd(width)} | ${cells.map((cell) => cell.padEnd(15)).join(' | ')}`);
  console.log(`${title}\n${header}\n${'-'.repeat(header.length)}\n${lines.join('\n')}`);
}

test('role x mutation matrix: every mutation of the contract is allowed or refused with the code its description gives, and a refused one writes nothing', async () => {
  const seen: [string, (Cell | string)[]][] = [];
  const writes: string[] = [];
  for (const [row] of mutationTable) {
    const operation = row.split(' ')[0];
    const cells: (Cell | string)[] = [];
    for (const who of roles) {
      const { variables, caller } = await callFor(row, who);
      const before = await tableDigests();
      const outcome = outcomeOf(await (caller?.api ?? apiOf(who)).op(operation, variables));
      const changed = changedTables(before, await tableDigests());
      cells.push(outcome);
      if (outcome !== 'allowed' && changed.length > 0) writes.push(`${row} as ${who}: refused with ${outcome}, yet wrote to ${changed.join(', ')}`);
      if (outcome === 'allowed' && changed.length === 0 && operation !== 'LogIn') writes.push(`${row} as ${who}: allowed, yet wrote nothing`);
    }
    seen.push([row, cells]);
  }
  printMatrix('mutations (seen):', seen);
  expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(mutationTable.map(([row, cells]) => [row, cells])));
  expect(writes).toEqual([]);
}, 300_000);

type Visibility = 'shown' | 'null';
const S: Visibility = 'shown';
const N: Visibility = 'null';
/** "Null for anonymous clients": every signed-in reader sees it. */
const signedIn: Visibility[] = [N, S, S, S, S, S, S];
/** Reviewer.membership of someone else: "Shown to the reviewer, to the admins of that membership's organisation and to ADMINs; null for everyone else." */
const itsAdminsSee: Visibility[] = [N, N, N, N, S, S, N];

/** A claim that went the whole way, so that every identity-bearing field has someone to name. */
async function publishedStory() {
  const author = await world.reviewer('Factcheck.kz');
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(author, eventId, `Tanks in the square ${randomBytes(3).toString('hex')}`);
  ok(await author.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', url: 'https://example.org/photo' } }));
  await world.vote(author, claimId, 'FALSE');
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Armoured cars, not tanks' } }));
  return { author, eventId, claimId };
}

const identityQuery = /* GraphQL */ `
  query Identities($eventId: ID!, $claimId: ID!, $authorId: ID!) {
    viewer { id email }
    event(id: $eventId) { createdBy { id } }
    claim(id: $claimId) {
      submittedBy { id email }
      verdict { publishedBy { id } }
      evidence { edges { node { submittedBy { id } } } }
      votes { edges { node { reviewer { id email } } } }
      viewerVote { id rating }
    }
    activity(eventId: $eventId) { edges { node { type actor { id } } } }
    node(id: $authorId) { id ... on Reviewer { email } }
  }
`;

const membershipQuery = /* GraphQL */ `
  query Memberships($memberId: ID!, $suspendedId: ID!, $membershipId: ID!) {
    viewer { id membership { status reviewer { id } } }
    member: node(id: $memberId) { ... on Reviewer { membership { id status } } }
    suspended: node(id: $suspendedId) { ... on Reviewer { membership { id status } } }
    membership: node(id: $membershipId) { ... on Membership { id status } }
    organizations(first: 100, verified: true) { edges { node { id name } } }
  }
`;

test('role x identity matrix: reviewer identities, emails, memberships and viewerVote are shown exactly to whom the contract says', async () => {
  const { author, eventId, claimId } = await publishedStory();
  // Each signed-in reader votes too, on a claim of its own event, to see that viewerVote is its own and nobody else's.
  const ownVoteEvent = await world.openEvent(editor, { quorum: 5 });
  const ownVoteClaim = await world.submitClaim(editor, ownVoteEvent, 'Shops were looted in Almaty');
  await world.vote(author, ownVoteClaim, 'TRUE');
  const ownRatings = new Map<Who, string>([['REVIEWER', 'FALSE'], ['EDITOR', 'MIXED'], ['ADMIN', 'MISLEADING'], ['org admin', 'MOSTLY_FALSE']]);
  for (const [who, rating] of ownRatings) await world.vote(members.get(who)!, ownVoteClaim, rating);
  // A member of the newsroom, and the newsroom's suspended member, whose memberships are asked for.
  const member = await enrol(newsroom);
  const memberMembership = await world.membershipOf(member);
  const suspended = members.get('suspended')!;
  const newsroomId = await world.organization(newsroom);
  const elsewhereId = await world.organization(elsewhere);

  const rows = new Map<string, { expected: (Visibility | string)[]; seen: (Visibility | string)[]; source: string }>();
  const record = (field: string, source: string, expected: (Visibility | string)[], who: Who, value: Visibility | string) => {
    const row = rows.get(field) ?? { expected, seen: [], source };
    row.seen[roles.indexOf(who)] = value;
    rows.set(field, row);
  };
  const shown = (value: unknown, id: string) => {
    if (value === null || value === undefined) return N;
    if (value === id) return S;
    return `wrong: ${String(value)}`;
  };
  /** A membership list: shown when it lists the member, else the refusal's code. */
  const listed = (response: { data?: any; errors?: GraphQLResponse['errors'] }, memberId: string | null) => {
    if (response.errors?.length) return String(response.errors[0].extensions?.code);
    const ids: string[] = response.data?.node?.memberships?.edges.map((edge: any) => edge.node.id) ?? [];
    return memberId === null || ids.includes(memberId) ? S : `wrong: ${ids.length} listed`;
  };

  for (const who of roles) {
    const api = apiOf(who);
    const me = members.get(who);
    const data = ok(await api.query(identityQuery, { eventId, claimId, authorId: author.id }));
    record('Claim.submittedBy', '"Null for anonymous clients, to protect reviewers."', signedIn, who, shown(data.claim.submittedBy?.id, author.id));
    record('Evidence.submittedBy', '"Null for anonymous clients."', signedIn, who, shown(data.claim.evidence.edges[0].node.submittedBy?.id, author.id));
    record('Vote.reviewer', '"Null for anonymous clients."', signedIn, who, shown(data.claim.votes.edges[0].node.reviewer?.id, author.id));
    record('Activity.actor (query)', '"Null for anonymous clients."', signedIn, who,
      shown(data.activity.edges.find((edge: any) => edge.node.type === 'CLAIM_SUBMITTED').node.actor?.id, author.id));
    record('Event.createdBy', 'README: every identity null for anonymous', signedIn, who, shown(data.event.createdBy?.id, editor.id));
    record('Verdict.publishedBy', 'README: every identity null for anonymous', signedIn, who, shown(data.claim.verdict.publishedBy?.id, editor.id));
    record('node(id) of a reviewer', 'schema: "Reviewers are null for anonymous clients."', signedIn, who, shown(data.node?.id, author.id));
    // Reviewer.email: "Shown to the reviewer and to admins only; null for everyone else."
    const authorEmail = data.claim.submittedBy?.email;
    record("Reviewer.email (another's)", '"Shown to the reviewer and to admins only"', [N, N, N, N, S, N, N], who,
      authorEmail === undefined || authorEmail === null ? N : /@example\.org$/.test(authorEmail) ? S : `wrong: ${authorEmail}`);
    record('Reviewer.email (own, viewer)', '"Shown to the reviewer"', signedIn, who, data.viewer?.email ? S : N);
    record('Vote.reviewer.email', '"Shown to the reviewer and to admins only"', [N, N, N, N, S, N, N], who, data.claim.votes.edges[0].node.reviewer?.email ? S : N);

    // viewerVote: "The signed-in reviewer's own vote on this claim": the own rating, or null without one.
    const viewerVote = ok(await api.op('ClaimDetail', { id: ownVoteClaim })).claim.viewerVote;
    record('Claim.viewerVote', '"The signed-in reviewer\'s own vote"', [N, N, 'own', 'own', 'own', 'own', N], who,
      viewerVote === null ? N : viewerVote.rating === ownRatings.get(who) ? 'own' : `wrong: ${viewerVote.rating}`);

    // Memberships: Reviewer.membership, node(id) of a membership, and Organization.memberships.
    const trust = ok(await api.query(membershipQuery, { memberId: member.id, suspendedId: suspended.id, membershipId: memberMembership }));
    record('Reviewer.membership (own, viewer)', '"null ... when none"; the ADMIN signed up before any organisation', [N, 'ACTIVE', 'ACTIVE', 'ACTIVE', N, 'ACTIVE', 'SUSPENDED'], who,
      trust.viewer?.membership ? (trust.viewer.membership.reviewer?.id === me?.id ? trust.viewer.membership.status : 'wrong: another reviewer') : N);
    record("Reviewer.membership (a member's)", '"Shown to the reviewer, to the admins of that membership\'s organisation and to ADMINs"', itsAdminsSee, who,
      shown(trust.member?.membership?.id, memberMembership));
    record("Reviewer.membership (a suspended member's)", '"a SUSPENDED one first"; shown to the reviewer themself too', [N, N, N, N, S, S, S], who,
      trust.suspended?.membership ? (trust.suspended.membership.status === 'SUSPENDED' ? S : `wrong: ${trust.suspended.membership.status}`) : N);
    record('node(id) of a membership', 'a Membership is shown where Reviewer.membership would show it', itsAdminsSee, who, shown(trust.membership?.id, memberMembership));
    record('organizations', '"Public: which newsrooms take part is not secret"', [S, S, S, S, S, S, S], who,
      trust.organizations.edges.some((edge: any) => edge.node.id === newsroomId) ? S : N);
    const memberships = await api.op('OrganizationMembers', { id: newsroomId, first: 100 });
    expectSafeErrors(memberships);
    record('Organization.memberships', '"For the organisation\'s admins and ADMINs only: FORBIDDEN for everyone else."', [F, F, F, F, S, S, F], who,
      listed(memberships, memberMembership));
    const elsewhereMemberships = await api.op('OrganizationMembers', { id: elsewhereId, first: 1 });
    expectSafeErrors(elsewhereMemberships);
    record('Organization.memberships (another organisation)', '"For the organisation\'s admins and ADMINs only"', [F, F, F, F, S, F, F], who,
      listed(elsewhereMemberships, null));

    // Over graphql-ws: the actor of a replayed activity entry, and the newsroom's members.
    const live = liveClient(server.url, me?.token);
    const first = ok(await world.anonymous.op('ActivitySince', { eventId, first: 1 })).activity.edges[0].cursor;
    const replay = collect(live.client, 'OnActivity', { eventId, after: first });
    const [message] = await replay.take(1);
    expect(message.errors).toBeUndefined();
    expect(message.data.activity.type).toBe('CLAIM_SUBMITTED');
    record('Activity.actor (subscription)', '"Null for anonymous clients."', signedIn, who, shown(message.data.activity.actor?.id, author.id));
    const liveMemberships = await overSocket(live.client, contractDocument, { id: newsroomId, first: 100 }, 'OrganizationMembers');
    expectSafeErrors(liveMemberships as GraphQLResponse);
    record('Organization.memberships (graphql-ws)', '"FORBIDDEN for everyone else."', [F, F, F, F, S, S, F], who, listed(liveMemberships, memberMembership));
    await live.dispose();
  }

  printMatrix('identities (seen):', [...rows].map(([field, row]) => [field, row.seen]));
  expect(Object.fromEntries([...rows].map(([field, row]) => [field, row.seen]))).toEqual(
    Object.fromEntries([...rows].map(([field, row]) => [field, row.expected])),
  );
}, 120_000);
