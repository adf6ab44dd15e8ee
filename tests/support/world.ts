import { randomBytes } from 'node:crypto';
import { ApiClient, ok } from './client';

export interface Member {
  id: string;
  token: string;
  api: ApiClient;
}

/**
 * Builds a test's own world through the public API: the first sign-up is the admin, who then
 * hands out roles. Every name is unique, so tests share nothing.
 */
export class World {
  readonly anonymous: ApiClient;
  private constructor(
    readonly url: string,
    readonly admin: Member,
  ) {
    this.anonymous = new ApiClient(url);
  }

  /**
   * A world on a server: the server's first account becomes the ADMIN. Only the first account
   * can be one, so every world of the same server (one per test) shares that admin account.
   */
  static async create(url: string): Promise<World> {
    let admin = World.admins.get(url);
    if (!admin) {
      admin = signUp(new ApiClient(url), { displayName: 'Admin', organization: 'Desk' });
      World.admins.set(url, admin);
    }
    return new World(url, await admin);
  }

  private static readonly admins = new Map<string, Promise<Member>>();
  /** Organisations by server and name: names are unique on a server, and its worlds share them. */
  private static readonly organizations = new Map<string, Promise<string>>();

  /**
   * A member enrolled as the trust model asks: the admin invites the email into the named
   * organisation (verified, made on first use) with the role, and the account signs up with
   * the code. ADMINs join as REVIEWERs and are then promoted; `null` signs up with no
   * organisation (an OBSERVER) and is given the role by the admin.
   */
  async reviewer(organization: string | null = 'Vlast.kz', role: Role = 'REVIEWER'): Promise<Member> {
    if (organization === null) {
      const member = await signUp(this.anonymous, { displayName: 'Reviewer without organisation' });
      if (role !== 'OBSERVER') await this.setRole(member, role);
      return member;
    }
    const member = await this.member(await this.organization(organization), { role: role === 'ADMIN' ? 'REVIEWER' : role });
    if (role === 'ADMIN') await this.setRole(member, role);
    return member;
  }

  /** A member of the organisation (by id), invited by the admin with the role (and orgAdmin), signed up with the code. */
  async member(organizationId: string, { role = 'REVIEWER', orgAdmin = false }: { role?: Role; orgAdmin?: boolean } = {}): Promise<Member & { email: string }> {
    const email = newEmail();
    const code = await this.invite(organizationId, email, role, this.admin, { orgAdmin });
    return signUp(this.anonymous, { displayName: `${orgAdmin ? 'Admin' : 'Member'} ${role}`, invitationCode: code }, email);
  }

  /** The id of the member's current membership, as the member sees it. */
  async membershipOf(member: Member): Promise<string> {
    return ok(await member.api.op('ViewerMembership')).viewer.membership.id;
  }

  /** Suspends the member's current membership, as the admin. */
  async suspend(member: Member, reason = 'Published a draft verdict'): Promise<void> {
    ok(await this.admin.api.op('SuspendMember', { input: { membershipId: await this.membershipOf(member), reason } }));
  }

  /** The id of the organisation with this name on the world's server, made (verified by default) by the admin on first use. */
  organization(name: string, verified = true): Promise<string> {
    const key = `${this.url}\n${name}`;
    let id = World.organizations.get(key);
    if (!id) {
      id = this.admin.api
        .op('CreateOrganization', { input: { name, verified, url: 'https://newsroom.example.org' } })
        .then((response) => ok(response).createOrganization.organization.id as string);
      World.organizations.set(key, id);
    }
    return id;
  }

  /** An invitation code from the admin (or `by`) into the organisation. */
  async invite(organizationId: string, email: string, role: Role = 'REVIEWER', by: Member = this.admin, extra: Record<string, unknown> = {}): Promise<string> {
    const data = ok(await by.api.op('InviteMember', { input: { organizationId, email, role, ...extra } }));
    return data.inviteMember.invitation.code;
  }

  async setRole(member: Member, role: Role): Promise<void> {
    ok(await this.admin.api.op('SetReviewerRole', { input: { reviewerId: member.id, role } }));
  }

  editor(organization = 'Desk'): Promise<Member> {
    return this.reviewer(organization, 'EDITOR');
  }

  async openEvent(
    editor: Member,
    policy: { quorum?: number; threshold?: number; minOrganizations?: number } = {},
    title = 'Unrest in Kazakhstan, January 2022',
  ): Promise<string> {
    const data = ok(await editor.api.op('OpenEvent', { input: { title, region: 'Kazakhstan', policy } }));
    return data.openEvent.event.id;
  }

  async submitClaim(member: Member, eventId: string, statement: string, extra: Record<string, unknown> = {}): Promise<string> {
    const data = ok(await member.api.op('SubmitClaim', { input: { eventId, statement, ...extra } }));
    return data.submitClaim.claim.id;
  }

  async vote(member: Member, claimId: string, rating: string, extra: Record<string, unknown> = {}) {
    return ok(await member.api.op('CastVote', { input: { claimId, rating, ...extra } })).castVote;
  }
}

export type Role = 'OBSERVER' | 'REVIEWER' | 'EDITOR' | 'ADMIN';

/** An email no other test uses. */
export function newEmail(): string {
  return `r-${randomBytes(6).toString('hex')}@example.org`;
}

export async function signUp(
  api: ApiClient,
  fields: { displayName: string; organization?: string | null; invitationCode?: string },
  email = newEmail(),
): Promise<Member & { email: string }> {
  const data = ok(await api.op('SignUp', { input: { email, password: 'correct horse battery', ...fields } }));
  const token = data.signUp.token as string;
  return { id: data.signUp.reviewer.id, token, api: api.as(token), email };
}
