/** A GraphQL error the demo seed met, with the contract's code. */
export class DemoApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * The demo seed's client of the GraphQL API, over HTTP as any front end: one account's token,
 * if signed in. Every call checks for errors; the first one is thrown as a DemoApiError.
 */
export class DemoApi {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  /** The same server, as the account of this token. */
  as(token: string): DemoApi {
    return new DemoApi(this.url, token);
  }

  async call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    const [error] = body.errors ?? [];
    if (error || !body.data) throw new DemoApiError(error?.message ?? `HTTP ${response.status}`, error?.extensions?.code);
    return body.data;
  }

  /** Every node of a connection (Query.events, Query.organizations), page by page. */
  async all<T>(field: 'events' | 'organizations', selection: string): Promise<T[]> {
    const nodes: T[] = [];
    let after: string | null = null;
    for (;;) {
      type Page = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: T }[] };
      const data: Record<string, Page> = await this.call(
        `query ($after: String) { ${field}(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${selection} } } } }`,
        { after },
      );
      const page = data[field];
      nodes.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) return nodes;
      after = page.pageInfo.endCursor;
    }
  }
}

export const DemoOperations = {
  signUp: `mutation ($input: SignUpInput!) { signUp(input: $input) { token reviewer { id role } } }`,
  createOrganization: `mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }`,
  setOrganizationVerified: `mutation ($input: SetOrganizationVerifiedInput!) { setOrganizationVerified(input: $input) { organization { id } } }`,
  inviteMember: `mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { code } } }`,
  openEvent: `mutation ($input: OpenEventInput!) { openEvent(input: $input) { event { id } } }`,
  submitClaim: `mutation ($input: SubmitClaimInput!) { submitClaim(input: $input) { claim { id } } }`,
  addEvidence: `mutation ($input: AddEvidenceInput!) { addEvidence(input: $input) { evidence { id } } }`,
  castVote: `mutation ($input: CastVoteInput!) { castVote(input: $input) { vote { id } } }`,
  publishVerdict: `mutation ($input: PublishVerdictInput!) { publishVerdict(input: $input) { claim { id } } }`,
  ownMembership: `query { viewer { membership { id } } }`,
  suspendMember: `mutation ($input: SuspendMemberInput!) { suspendMember(input: $input) { membership { id } } }`,
  verdictStatus: `query ($id: ID!) { claim(id: $id) { verdict { status } } }`,
} as const;
