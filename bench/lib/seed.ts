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
 * sign-up on the fresh database is the ADMIN, who opens events and hands out roles.
 */
export class Seeder {
  private constructor(
    readonly anonymous: GraphQLClient,
    readonly admin: Account,
  ) {}

  static async create(url: string): Promise<Seeder> {
    const anonymous = new GraphQLClient(url);
    return new Seeder(anonymous, await signUp(anonymous, 'Desk', 'Admin'));
  }

  /** A new REVIEWER (or, with `role`, promoted by the admin). */
  async reviewer(organization: string | null, role?: 'EDITOR' | 'ADMIN'): Promise<Account> {
    const account = await signUp(this.anonymous, organization, `Reviewer of ${organization ?? 'no desk'}`);
    if (role) await this.admin.api.op('SetReviewerRole', { input: { reviewerId: account.id, role } });
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

async function signUp(api: GraphQLClient, organization: string | null, displayName: string): Promise<Account> {
  const email = `bench-${randomBytes(6).toString('hex')}@example.org`;
  const { data } = await api.op('SignUp', { input: { email, password: 'correct horse battery staple', displayName, organization } });
  const token = data.signUp.token as string;
  return { id: data.signUp.reviewer.id, token, organization, api: api.as(token) };
}

/** A small deterministic generator, so that a run can be replayed. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}
