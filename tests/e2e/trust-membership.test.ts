import { ApiClient, errorCode, ok, type GraphQLResponse } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, newEmail, signUp, World } from '../support/world';

// Organisations, invitations and requests: who joins, who decides, and that every refusal
// has the contract's code and writes nothing.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

let serial = 0;
/** An organisation name no other test uses. */
const unique = (name: string) => `${name} ${++serial}-${Date.now().toString(36)}`;

function refusal(response: GraphQLResponse): { code?: string; field?: unknown; message: string } {
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  return { code: error.extensions?.code, field: error.extensions?.field, message: error.message };
}

async function organizationCount(api: ApiClient): Promise<number> {
  return ok(await api.op('Organizations', { first: 1 })).organizations.totalCount;
}

async function members(api: ApiClient, organizationId: string, status?: string) {
  const node = ok(await api.op('OrganizationMembers', { id: organizationId, first: 100, status })).node;
  return node.memberships as { totalCount: number; edges: { node: { id: string; status: string; orgAdmin: boolean; reviewer: { id: string; role: string } } }[] };
}

/** An ACTIVE orgAdmin member of a new verified organisation, and the organisation's id. */
async function organizationWithAdmin(world: World, name = unique('Newsroom')): Promise<{ organizationId: string; orgAdmin: Member }> {
  const organizationId = await world.organization(name);
  return { organizationId, orgAdmin: await world.member(organizationId, { orgAdmin: true }) };
}

describe('organisations', () => {
  test('an ADMIN creates them with unique trimmed, case-insensitive names and an http(s) url; verified only when said', async () => {
    const world = await World.create(server.url);
    const name = unique('Kloop');
    const created = ok(await world.admin.api.op('CreateOrganization', { input: { name: `  ${name} `, url: 'https://kloop.kg' } }));
    expect(created.createOrganization.organization).toMatchObject({ name, url: 'https://kloop.kg', verified: false, memberCount: 0 });
    const editor = await world.editor();
    const count = await organizationCount(world.anonymous);

    expect(refusal(await world.admin.api.op('CreateOrganization', { input: { name: name.toUpperCase() } })).code).toBe('CONFLICT');
    expect(refusal(await world.admin.api.op('CreateOrganization', { input: { name: unique('Bad url'), url: 'ftp://kloop.kg' } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'url',
    });
    expect(refusal(await world.admin.api.op('CreateOrganization', { input: { name: '   ' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(refusal(await editor.api.op('CreateOrganization', { input: { name: unique('Editor made') } })).code).toBe('FORBIDDEN');
    expect(refusal(await world.anonymous.op('CreateOrganization', { input: { name: unique('Anonymous') } })).code).toBe('UNAUTHENTICATED');
    expect(await organizationCount(world.anonymous)).toBe(count);
  });

  test('the list is public, by name, pages by cursor and filters by verified', async () => {
    const world = await World.create(server.url);
    const prefix = unique('Zz list');
    for (const [suffix, verified] of [['b', true], ['A', false], ['c', true]] as const) {
      ok(await world.admin.api.op('CreateOrganization', { input: { name: `${prefix} ${suffix}`, verified } }));
    }
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(await world.anonymous.op('Organizations', { first: 2, after })).organizations;
      names.push(...page.edges.map((edge: { node: { name: string } }) => edge.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const ours = names.filter((name) => name.startsWith(prefix));
    expect(ours).toEqual([`${prefix} A`, `${prefix} b`, `${prefix} c`]);
    expect([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))).toEqual(names);
    const verified = ok(await world.anonymous.op('Organizations', { first: 100, verified: true })).organizations;
    expect(verified.edges.every((edge: { node: { verified: boolean } }) => edge.node.verified)).toBe(true);
    expect(verified.edges.map((edge: { node: { name: string } }) => edge.node.name)).toEqual(expect.arrayContaining([`${prefix} b`, `${prefix} c`]));
    expect(errorCode(await world.anonymous.op('Organizations', { after: 'bm90IGEgY3Vyc29y' }))).toBe('BAD_USER_INPUT');
  });

  test("memberships are for the organisation's admins and ADMINs only: FORBIDDEN for everyone else, anonymous included", async () => {
    const world = await World.create(server.url);
    const { organizationId, orgAdmin } = await organizationWithAdmin(world);
    const email = newEmail();
    const plainMember = await signUp(world.anonymous, { displayName: 'Member', invitationCode: await world.invite(organizationId, email) }, email);
    const outsider = await world.reviewer('Vlast.kz');
    const editor = await world.editor();

    for (const api of [world.anonymous, outsider.api, editor.api, plainMember.api]) {
      expect(errorCode(await api.op('OrganizationMembers', { id: organizationId }))).toBe('FORBIDDEN');
    }
    const seenByOrgAdmin = await members(orgAdmin.api, organizationId);
    const seenByAdmin = await members(world.admin.api, organizationId);
    expect(seenByAdmin).toEqual(seenByOrgAdmin);
    expect(seenByAdmin.edges.map((edge) => edge.node.reviewer.id)).toEqual([orgAdmin.id, plainMember.id]);
  });

  test('memberships page oldest first by cursor; a status filters the pages and the totalCount', async () => {
    const world = await World.create(server.url);
    const name = unique('Paged newsroom');
    const { organizationId, orgAdmin } = await organizationWithAdmin(world, name);
    const active = [orgAdmin.id, (await world.member(organizationId)).id, (await world.member(organizationId)).id];
    const requester = await signUp(world.anonymous, { displayName: 'Requester', organization: name });

    const pages = async (first: number, status?: string) => {
      const seen: string[] = [];
      const totals = new Set<number>();
      let after: string | null = null;
      for (;;) {
        const { memberships }: { memberships: any } = ok(await orgAdmin.api.op('OrganizationMembers', { id: organizationId, first, after, status })).node;
        totals.add(memberships.totalCount);
        seen.push(...memberships.edges.map((edge: { node: { reviewer: { id: string } } }) => edge.node.reviewer.id));
        if (!memberships.pageInfo.hasNextPage) return { seen, totals: [...totals] };
        after = memberships.pageInfo.endCursor;
      }
    };
    expect(await pages(1)).toEqual({ seen: [...active, requester.id], totals: [4] });
    expect(await pages(2, 'ACTIVE')).toEqual({ seen: active, totals: [3] });
    expect(await pages(2, 'REQUESTED')).toEqual({ seen: [requester.id], totals: [1] });
  });
});

describe('sign-up', () => {
  test('an organisation named at sign-up files a request there; a name that names nothing grants and creates nothing', async () => {
    const world = await World.create(server.url);
    const { organizationId, orgAdmin } = await organizationWithAdmin(world);
    expect(ok(await world.anonymous.op('Node', { id: organizationId })).node).toMatchObject({ id: organizationId });
    const named = (await members(orgAdmin.api, organizationId)).edges;
    const count = await organizationCount(world.anonymous);

    const organizationName = ok(await orgAdmin.api.op('ViewerMembership')).viewer.membership.organization.name as string;
    const requester = await signUp(world.anonymous, { displayName: 'Requester', organization: ` ${organizationName.toLowerCase()} ` });
    expect(ok(await requester.api.op('ViewerMembership')).viewer).toMatchObject({
      role: 'OBSERVER',
      organization: null,
      membership: { status: 'REQUESTED', orgAdmin: false, organization: { id: organizationId } },
    });
    expect((await members(orgAdmin.api, organizationId, 'REQUESTED')).edges.map((edge) => edge.node.reviewer.id)).toEqual([requester.id]);

    const nobody = await signUp(world.anonymous, { displayName: 'Nobody', organization: unique('A newsroom that does not exist') });
    expect(ok(await nobody.api.op('ViewerMembership')).viewer).toMatchObject({ role: 'OBSERVER', organization: null, membership: null });
    expect(await organizationCount(world.anonymous)).toBe(count);
    expect(named.length).toBe(1);
  });

  test('an invitation code makes an ACTIVE member with its role; a bad code is BAD_USER_INPUT, says nothing of why, and makes no account', async () => {
    const world = await World.create(server.url);
    const { organizationId, orgAdmin } = await organizationWithAdmin(world);
    const email = newEmail();
    const code = await world.invite(organizationId, email, 'EDITOR');

    const attempts = {
      unknown: await world.anonymous.op('SignUp', { input: { email, password: 'correct horse battery', displayName: 'E', invitationCode: 'x'.repeat(43) } }),
      otherEmail: await world.anonymous.op('SignUp', {
        input: { email: newEmail(), password: 'correct horse battery', displayName: 'E', invitationCode: code },
      }),
    };
    const messages = new Set<string>();
    for (const response of Object.values(attempts)) {
      const error = refusal(response);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invitationCode' });
      messages.add(error.message);
    }
    expect(messages.size).toBe(1);
    expect(errorCode(await world.anonymous.op('LogIn', { input: { email, password: 'correct horse battery' } }))).toBe('UNAUTHENTICATED');

    const editor = await signUp(world.anonymous, { displayName: 'Invited editor', invitationCode: code }, email.toUpperCase());
    expect(ok(await editor.api.op('ViewerMembership')).viewer).toMatchObject({
      role: 'EDITOR',
      membership: { status: 'ACTIVE', orgAdmin: false, organization: { id: organizationId } },
    });
    const used = await world.anonymous.op('SignUp', { input: { email: newEmail(), password: 'correct horse battery', displayName: 'E', invitationCode: code } });
    expect(refusal(used)).toMatchObject({ code: 'BAD_USER_INPUT', message: [...messages][0] });
    expect((await members(orgAdmin.api, organizationId, 'ACTIVE')).totalCount).toBe(2);
  });
});

describe('invitations', () => {
  test("an organisation's admins invite REVIEWERs and OBSERVERs into their own organisation; ADMINs also EDITORs; nobody ADMINs", async () => {
    const world = await World.create(server.url);
    const { organizationId, orgAdmin } = await organizationWithAdmin(world);
    const other = await organizationWithAdmin(world);
    const invite = (by: Member | ApiClient, input: Record<string, unknown>) =>
      (by instanceof ApiClient ? by : by.api).op('InviteMember', { input: { organizationId, email: newEmail(), ...input } });

    const issued = ok(await invite(orgAdmin, { role: 'OBSERVER', expiresInHours: 1 })).inviteMember.invitation;
    expect(issued).toMatchObject({ role: 'OBSERVER', orgAdmin: false, organization: { id: organizationId } });
    expect(issued.code).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    const expiresInMs = Date.parse(issued.expiresAt) - Date.now();
    expect(expiresInMs).toBeGreaterThan(55 * 60_000);
    expect(expiresInMs).toBeLessThanOrEqual(60 * 60_000);
    const byDefault = ok(await invite(orgAdmin, {})).inviteMember.invitation;
    expect(byDefault).toMatchObject({ role: 'REVIEWER', orgAdmin: false });
    expect(Math.round((Date.parse(byDefault.expiresAt) - Date.now()) / 3_600_000)).toBe(72);

    expect(refusal(await invite(orgAdmin, { role: 'EDITOR' })).code).toBe('FORBIDDEN');
    expect(refusal(await invite(world.admin, { role: 'ADMIN' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
    expect(ok(await invite(world.admin, { role: 'EDITOR' })).inviteMember.invitation.role).toBe('EDITOR');
    for (const expiresInHours of [0, 721]) {
      expect(refusal(await invite(orgAdmin, { expiresInHours }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresInHours' });
    }
    expect(refusal(await invite(orgAdmin, { email: 'not an email' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(refusal(await invite(other.orgAdmin, {})).code).toBe('FORBIDDEN');
    expect(refusal(await invite(await world.reviewer('Vlast.kz'), {})).code).toBe('FORBIDDEN');
    expect(refusal(await invite(world.anonymous, {})).code).toBe('UNAUTHENTICATED');
    expect(refusal(await world.admin.api.op('InviteMember', { input: { organizationId: 'T3JnYW5pemF0aW9uOnh4', email: newEmail() } })).code).toBe('NOT_FOUND');
  });

  test('a signed-in OBSERVER accepts an invitation sent to their email; one ACTIVE membership at a time', async () => {
    const world = await World.create(server.url);
    const { organizationId } = await organizationWithAdmin(world);
    const second = await organizationWithAdmin(world);
    const observer = await signUp(world.anonymous, { displayName: 'Observer' });
    const wrongPerson = await signUp(world.anonymous, { displayName: 'Someone else' });
    const code = await world.invite(organizationId, observer.email.toUpperCase());

    expect(refusal(await wrongPerson.api.op('AcceptInvitation', { input: { code } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    expect(refusal(await world.anonymous.op('AcceptInvitation', { input: { code } })).code).toBe('UNAUTHENTICATED');
    const accepted = ok(await observer.api.op('AcceptInvitation', { input: { code } })).acceptInvitation;
    expect(accepted).toMatchObject({
      membership: { status: 'ACTIVE', organization: { id: organizationId }, reviewer: { id: observer.id, role: 'REVIEWER' } },
      reviewer: { id: observer.id, role: 'REVIEWER' },
    });
    expect(refusal(await observer.api.op('AcceptInvitation', { input: { code } })).code).toBe('BAD_USER_INPUT');

    const elsewhere = await world.invite(second.organizationId, observer.email);
    expect(refusal(await observer.api.op('AcceptInvitation', { input: { code: elsewhere } })).code).toBe('CONFLICT');
    expect(refusal(await observer.api.op('RequestMembership', { input: { organizationId: second.organizationId } })).code).toBe('CONFLICT');
    expect((await members(second.orgAdmin.api, second.organizationId)).edges.map((edge) => edge.node.reviewer.id)).not.toContain(observer.id);
  });
});

describe('requests', () => {
  test('approval makes an ACTIVE member and an OBSERVER a REVIEWER; a decline is DECLINED; a decided request is CONFLICT', async () => {
    const world = await World.create(server.url);
    const { organizationId, orgAdmin } = await organizationWithAdmin(world);
    const other = await organizationWithAdmin(world);
    const [approved, declined] = [await signUp(world.anonymous, { displayName: 'A' }), await signUp(world.anonymous, { displayName: 'B' })];
    const request = async (member: Member) =>
      ok(await member.api.op('RequestMembership', { input: { organizationId } })).requestMembership.membership as { id: string; status: string };

    const first = await request(approved);
    expect(first.status).toBe('REQUESTED');
    expect(refusal(await approved.api.op('RequestMembership', { input: { organizationId } })).code).toBe('CONFLICT');
    const second = await request(declined);
    const decide = (by: Member, membershipId: string, approve: boolean) => by.api.op('DecideMembership', { input: { membershipId, approve } });

    expect(refusal(await decide(other.orgAdmin, first.id, true)).code).toBe('FORBIDDEN');
    expect(refusal(await decide(approved, first.id, true)).code).toBe('FORBIDDEN');
    expect(refusal(await world.anonymous.op('DecideMembership', { input: { membershipId: first.id, approve: true } })).code).toBe('UNAUTHENTICATED');
    expect((await members(orgAdmin.api, organizationId, 'REQUESTED')).totalCount).toBe(2);

    expect(ok(await decide(orgAdmin, first.id, true)).decideMembership.membership).toMatchObject({
      status: 'ACTIVE',
      reviewer: { id: approved.id, role: 'REVIEWER' },
    });
    expect(ok(await approved.api.op('Viewer')).viewer).toMatchObject({ role: 'REVIEWER', organization: expect.any(String) });
    expect(ok(await decide(world.admin, second.id, false)).decideMembership.membership).toMatchObject({ status: 'DECLINED', reviewer: { role: 'OBSERVER' } });
    expect(refusal(await decide(orgAdmin, second.id, true)).code).toBe('CONFLICT');
    expect(refusal(await decide(orgAdmin, first.id, false)).code).toBe('CONFLICT');
    // A declined reviewer may ask again.
    expect((await request(declined)).status).toBe('REQUESTED');
  });

  test('two admins deciding the same request at once give one decision', async () => {
    const world = await World.create(server.url);
    const { organizationId, orgAdmin } = await organizationWithAdmin(world);
    for (let round = 0; round < 5; round++) {
      const requester = await signUp(world.anonymous, { displayName: `Requester ${round}` });
      const { id } = ok(await requester.api.op('RequestMembership', { input: { organizationId } })).requestMembership.membership;
      const [a, b] = await Promise.all([
        orgAdmin.api.op('DecideMembership', { input: { membershipId: id, approve: true } }),
        world.admin.api.op('DecideMembership', { input: { membershipId: id, approve: false } }),
      ]);
      const outcomes = [a, b].map((response) => (response.errors ? errorCode(response) : response.data.decideMembership.membership.status));
      expect(outcomes.filter((outcome) => outcome === 'CONFLICT')).toHaveLength(1);
      const decided = outcomes.find((outcome) => outcome !== 'CONFLICT');
      expect(['ACTIVE', 'DECLINED']).toContain(decided);
      const stored = (await members(world.admin.api, organizationId)).edges.find((edge) => edge.node.id === id)!.node;
      expect(stored.status).toBe(decided);
      expect(stored.reviewer.role).toBe(decided === 'ACTIVE' ? 'REVIEWER' : 'OBSERVER');
    }
  });

  test('suspending or reinstating a membership in the wrong state is CONFLICT; someone else\'s membership is FORBIDDEN and hidden', async () => {
    const world = await World.create(server.url);
    const { organizationId, orgAdmin } = await organizationWithAdmin(world);
    const requester = await signUp(world.anonymous, { displayName: 'Requester' });
    const { id: requestId } = ok(await requester.api.op('RequestMembership', { input: { organizationId } })).requestMembership.membership;
    const outsider = await world.reviewer('Vlast.kz');

    expect(refusal(await orgAdmin.api.op('SuspendMember', { input: { membershipId: requestId, reason: 'Spam' } })).code).toBe('CONFLICT');
    expect(refusal(await orgAdmin.api.op('ReinstateMember', { input: { membershipId: requestId } })).code).toBe('CONFLICT');
    expect(refusal(await orgAdmin.api.op('SuspendMember', { input: { membershipId: requestId, reason: ' ' } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
    expect(refusal(await outsider.api.op('SuspendMember', { input: { membershipId: requestId, reason: 'Spam' } })).code).toBe('FORBIDDEN');
    expect(refusal(await orgAdmin.api.op('SuspendMember', { input: { membershipId: 'TWVtYmVyc2hpcDp4', reason: 'Spam' } })).code).toBe('NOT_FOUND');
    // The membership is visible to its reviewer and the organisation's admins, and to no one else.
    expect(ok(await outsider.api.op('Node', { id: requestId })).node).toBeNull();
    expect(ok(await world.anonymous.op('Node', { id: requestId })).node).toBeNull();
    expect(ok(await requester.api.op('Node', { id: requestId })).node).toMatchObject({ id: requestId });
    const seen = ok(await outsider.api.query('query ($id: ID!) { node(id: $id) { ... on Reviewer { id membership { id } } } }', { id: requester.id })).node;
    expect(seen).toEqual({ id: requester.id, membership: null });
    const byOrgAdmin = ok(await orgAdmin.api.query('query ($id: ID!) { node(id: $id) { ... on Reviewer { membership { id status } } } }', { id: requester.id })).node;
    expect(byOrgAdmin.membership).toEqual({ id: requestId, status: 'REQUESTED' });
  });
});

describe('organisation admins', () => {
  test('an invitation to a member\'s own organisation makes them one of its admins; one suspended anywhere decides nothing', async () => {
    const world = await World.create(server.url);
    const { organizationId, orgAdmin } = await organizationWithAdmin(world);
    const email = newEmail();
    const member = await signUp(world.anonymous, { displayName: 'Member', invitationCode: await world.invite(organizationId, email) }, email);
    expect(ok(await member.api.op('ViewerMembership')).viewer.membership).toMatchObject({ status: 'ACTIVE', orgAdmin: false });

    const promotion = await world.invite(organizationId, email, 'REVIEWER', orgAdmin, { orgAdmin: true });
    const accepted = ok(await member.api.op('AcceptInvitation', { input: { code: promotion } })).acceptInvitation.membership;
    expect(accepted).toMatchObject({ status: 'ACTIVE', orgAdmin: true, organization: { id: organizationId } });
    expect((await members(member.api, organizationId, 'ACTIVE')).totalCount).toBe(2);
    // A plain invitation later does not take the admin's rights away.
    ok(await member.api.op('AcceptInvitation', { input: { code: await world.invite(organizationId, email) } }));
    expect(ok(await member.api.op('ViewerMembership')).viewer.membership.orgAdmin).toBe(true);

    // Suspended in another newsroom, the same reviewer can no longer approve anyone here.
    const other = await organizationWithAdmin(world);
    const requester = await signUp(world.anonymous, { displayName: 'Requester' });
    const { id: requestId } = ok(await requester.api.op('RequestMembership', { input: { organizationId } })).requestMembership.membership;
    const elsewhereEmail = newEmail();
    const suspendedElsewhere = await signUp(world.anonymous, { displayName: 'Both', invitationCode: await world.invite(other.organizationId, elsewhereEmail) }, elsewhereEmail);
    const { id: elsewhereMembership } = ok(await suspendedElsewhere.api.op('ViewerMembership')).viewer.membership;
    ok(await other.orgAdmin.api.op('SuspendMember', { input: { membershipId: elsewhereMembership, reason: 'Leaked drafts' } }));
    ok(await suspendedElsewhere.api.op('AcceptInvitation', { input: { code: await world.invite(organizationId, elsewhereEmail, 'REVIEWER', world.admin, { orgAdmin: true }) } }));
    expect(errorCode(await suspendedElsewhere.api.op('DecideMembership', { input: { membershipId: requestId, approve: true } }))).toBe('FORBIDDEN');
    expect((await members(orgAdmin.api, organizationId, 'REQUESTED')).edges.map((edge) => edge.node.id)).toEqual([requestId]);
  });
});
