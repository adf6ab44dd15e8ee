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

  async reviewer(organization: string | null = 'Vlast.kz', role?: 'OBSERVER' | 'REVIEWER' | 'EDITOR' | 'ADMIN'): Promise<Member> {
    const member = await signUp(this.anonymous, { displayName: `Reviewer ${organization}`, organization });
    if (role && role !== 'REVIEWER') {
      ok(await this.admin.api.op('SetReviewerRole', { input: { reviewerId: member.id, role } }));
    }
    return member;
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

async function signUp(api: ApiClient, fields: { displayName: string; organization: string | null }): Promise<Member> {
  const email = `r-${randomBytes(6).toString('hex')}@example.org`;
  const data = ok(await api.op('SignUp', { input: { email, password: 'correct horse battery', ...fields } }));
  const token = data.signUp.token as string;
  return { id: data.signUp.reviewer.id, token, api: api.as(token) };
}
