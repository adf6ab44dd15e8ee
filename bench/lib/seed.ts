import { randomBytes } from 'node:crypto';
import { GraphQLClient } from './graphql';

export interface Account {
  id: string;
  token: string;
  organization: string | null;
  api: GraphQLClient;
}

export const ratings = ['TRUE', 'MOSTLY_TRUE', 'MIXED', 'MISLEADING', 'MOSTLY_FALSE', 'FALSE', 'UNVERIFIABLE'] as const;
export type Rating = (typeof ratings)[number];

/**
 * Builds a scenario's data through the public API, as the tests' World does: the first
 * sign-up on the fresh database is the ADMIN, who opens events, makes the organisations and
 * invites the reviewers into them (a sign-up alone makes an OBSERVER, who cannot vote).
 */
export class Seeder {
  /** Verified organisations by name, each made on first use. */
  private readonly organizationIds = new Map<string, Promise<string>>();

  private constructor(
    readonly anonymous: GraphQLClient,
    readonly admin: Account,
  ) {}

  static async create(url: string): Promise<Seeder> {
    const anonymous = new GraphQLClient(url);
    return new Seeder(anonymous, await signUp(anonymous, { email: newEmail(), displayName: 'Desk Admin', organization: null }));
  }

  /** The id of the verified organisation with this name, made by the admin on first use. */
  organization(name: string): Promise<string> {
    let id = this.organizationIds.get(name);
    if (!id) {
      id = this.admin.api
        .op('CreateOrganization', { input: { name, url: `https://${name.toLowerCase().replace(/[^a-z0-9.]+/g, '-')}.example.org`, verified: true } })
        .then(({ data }) => data.createOrganization.organization.id as string);
      this.organizationIds.set(name, id);
    }
    return id;
  }

  /**
   * A new REVIEWER, or with `role` an EDITOR or ADMIN: invited by the admin into the verified
   * organisation (as an EDITOR for either role, then promoted to ADMIN), signed up with the
   * invitation's code, so an ACTIVE member. Without an organisation, an OBSERVER whom the admin
   * gives the role.
   */
  async reviewer(organization: string | null, role?: 'EDITOR' | 'ADMIN'): Promise<Account> {
    const person = { email: newEmail(), displayName: `Reviewer of ${organization ?? 'no desk'}`, organization };
    if (organization === null) {
      const account = await signUp(this.anonymous, person);
      await this.admin.api.op('SetReviewerRole', { input: { reviewerId: account.id, role: role ?? 'REVIEWER' } });
      return account;
    }
    const { data } = await this.admin.api.op('InviteMember', {
      input: { organizationId: await this.organization(organization), email: person.email, role: role ? 'EDITOR' : 'REVIEWER' },
    });
    const account = await signUp(this.anonymous, person, data.inviteMember.invitation.code);
    if (role === 'ADMIN') await this.admin.api.op('SetReviewerRole', { input: { reviewerId: account.id, role } });
    return account;
  }

  /** `count` reviewers, organisations taken in turn; signed up a few at a time (scrypt is slow on purpose). */
  async reviewers(count: number, organizations: readonly string[]): Promise<Account[]> {
    const accounts: Account[] = [];
    for (let i = 0; i < count; i += 4) {
      const batch = Array.from({ length: Math.min(4, count - i) }, (_, j) => this.reviewer(organizations[(i + j) % organizations.length]));
      accounts.push(...(await Promise.all(batch)));
    }
    return accounts;
  }

  /** The id of the account's membership (ACTIVE or SUSPENDED), as the account itself reads it. */
  async membershipId(account: Account): Promise<string> {
    const { data } = await account.api.op('ViewerMembership');
    if (!data.viewer.membership) throw new Error(`${account.id} has no membership`);
    return data.viewer.membership.id as string;
  }

  async openEvent(editor: Account, title: string, policy: { quorum?: number; threshold?: number; minOrganizations?: number }) {
    const { data } = await editor.api.op('OpenEvent', {
      input: { title, region: 'Kazakhstan', description: 'Protests over fuel prices turn into unrest', policy },
    });
    return data.openEvent.event.id as string;
  }

  async submitClaim(account: Account, eventId: string, statement: string): Promise<string> {
    const { data } = await account.api.op('SubmitClaim', {
      input: { eventId, statement, language: 'en', sourceUrl: 'https://example.org/source' },
    });
    return data.submitClaim.claim.id as string;
  }

  async addEvidence(account: Account, claimId: string, stance: string, n: number): Promise<void> {
    await account.api.op('AddEvidence', {
      input: { claimId, stance, url: `https://example.org/evidence/${n}`, title: `Evidence ${n}`, excerpt: 'An excerpt that says what it shows.' },
    });
  }

  async vote(account: Account, claimId: string, rating: Rating): Promise<void> {
    await account.api.op('CastVote', { input: { claimId, rating, rationale: 'Seen in the footage' } });
  }
}

const newEmail = () => `bench-${randomBytes(6).toString('hex')}@example.org`;

async function signUp(
  api: GraphQLClient,
  { email, displayName, organization }: { email: string; displayName: string; organization: string | null },
  invitationCode?: string,
): Promise<Account> {
  const { data } = await api.op('SignUp', { input: { email, password: 'correct horse battery staple', displayName, invitationCode } });
  const token = data.signUp.token as string;
  return { id: data.signUp.reviewer.id, token, organization, api: api.as(token) };
}

/** Runs `work` on every item, `concurrency` at a time, as a few clients of the API would. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** A small deterministic generator, so that a run can be replayed. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}
