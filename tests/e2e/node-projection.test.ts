import { ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

const objectSelections: Record<string, string> = {
  Verdict: '{ status rating agreement voteCount tally { rating votes } version updatedAt publishedAt summary publishedBy { id } organizationCount explanation }',
};

/** The fields of a type as the served schema lists them, each with a selection that reads it. */
async function selectionsOf(member: Member, typeName: string): Promise<Record<string, string>> {
  const data = ok(
    await member.api.query(
      `query Fields($name: String!) { __type(name: $name) { fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }`,
      { name: typeName },
    ),
  );
  const innermost = (type: TypeRef): TypeRef => (type.ofType ? innermost(type.ofType) : type);
  const selectionOf = (name: string, type: TypeRef) => {
    if (type.kind !== 'OBJECT') return name;
    if (type.name!.endsWith('Connection')) return `${name} { totalCount edges { cursor } }`;
    return `${name} ${objectSelections[type.name!] ?? '{ id }'}`;
  };
  const fields = data.__type.fields as { name: string; type: TypeRef }[];
  return Object.fromEntries(fields.map((field) => [field.name, selectionOf(field.name, innermost(field.type))]));
}

/**
 * Lists read only the columns their nodes' fields need (node-projection.ts). Each field of
 * Evidence and Vote, asked for alone through a claim's list, must read the same as through
 * node(id), which reads the whole row: a field whose resolver needs a column the projection
 * leaves out would come back null or wrong here.
 */
describe("a list's nodes read only what their fields need", () => {
  test.each([
    ['Evidence', (claimId: string, selection: string) => `claim(id: "${claimId}") { evidence(first: 5) { edges { node { id ${selection} } } } }`],
    ['Vote', (claimId: string, selection: string) => `claim(id: "${claimId}") { votes(first: 5) { edges { node { id ${selection} } } } }`],
    ['Claim', (claimId: string, selection: string) => `node(id: "${claimId}") { ... on Claim { event { claims(first: 5) { edges { node { id ${selection} } } } } } }`],
  ])('every field of %s reads the same through a list as through node(id)', async (typeName, listQuery) => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 1 });
    const claimId = await world.submitClaim(editor, eventId, 'Russian troops landed at Almaty airport', {
      context: 'Shared on Telegram',
      sourceUrl: 'https://t.me/example/1',
      language: 'ru',
      firstSeenAt: '2022-01-06T08:00:00.000Z',
    });
    const reviewer = await world.reviewer('Factcheck.kz');
    const evidenceId = ok(
      await reviewer.api.op('AddEvidence', {
        input: { claimId, stance: 'REFUTES', url: 'https://example.org/airport', title: 'Airport statement', excerpt: 'No landing took place.' },
      }),
    ).addEvidence.evidence.id;
    await world.vote(reviewer, claimId, 'FALSE', { rationale: 'The airport denies it', evidenceIds: [evidenceId] });
    ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'No troops landed.' } }));

    const selections = await selectionsOf(reviewer, typeName);
    expect(Object.keys(selections).length).toBeGreaterThan(5);
    for (const [name, selection] of Object.entries(selections)) {
      const listed = findList(ok(await reviewer.api.query(`{ ${listQuery(claimId, selection)} }`)));
      expect(listed).toHaveLength(1);
      const { node } = listed[0];
      const whole = ok(await reviewer.api.query(`query Whole($id: ID!) { node(id: $id) { ... on ${typeName} { id ${selection} } } }`, { id: node.id })).node;
      expect({ field: name, value: node[name] }).toEqual({ field: name, value: whole[name] });
      if (name !== 'duplicateOf' && name !== 'viewerVote') expect({ field: name, value: node[name] }).not.toEqual({ field: name, value: null });
    }
  });
});

/**
 * What a page's nodes read is worked out once per document (node-projection.ts), unless a
 * variable decides, through @include or @skip, which of their fields are asked for: then the
 * same document run again with the other value must read the other columns.
 */
test('the same document run with @include(if: $x) true, then false, reads the columns each run asks for', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 10 });
  const claimId = await world.submitClaim(editor, eventId, 'The airport was closed by the army');
  ok(await editor.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', url: 'https://example.org/departures', title: 'Departures board' } }));
  const query = `query Conditioned($id: ID!, $x: Boolean!) {
    claim(id: $id) {
      evidence(first: 5) { edges { node { title @include(if: $x) ...Linked @skip(if: $x) ... on Evidence @include(if: $x) { stance } } } }
    }
  }
  fragment Linked on Evidence { url }`;
  for (const x of [true, false, true, false]) {
    const { node } = ok(await editor.api.query(query, { id: claimId, x })).claim.evidence.edges[0];
    expect({ x, node }).toEqual({ x, node: x ? { title: 'Departures board', stance: 'REFUTES' } : { url: 'https://example.org/departures' } });
  }
  // A document whose selection no variable decides reads the same with any variables.
  const fixed = `query Fixed($id: ID!, $first: Int!) { claim(id: $id) { evidence(first: $first) { edges { node { title url } } } } }`;
  for (const first of [1, 5]) {
    expect(ok(await editor.api.query(fixed, { id: claimId, first })).claim.evidence.edges[0].node).toEqual({ title: 'Departures board', url: 'https://example.org/departures' });
  }
});

/** The edges of the one list in a response. */
function findList(data: unknown): { node: Record<string, unknown> }[] {
  if (Array.isArray(data)) return data;
  const [inner] = Object.values(data as Record<string, unknown>).filter((value) => value && typeof value === 'object');
  return findList((inner as { edges?: unknown }).edges ?? inner);
}

/**
 * A list's sort keys are read only when a cursor is asked for (node-projection.ts): a page whose
 * nodes select nothing but their id must still hand out cursors that resume in the right place,
 * whether the client reads them from the edges or only from pageInfo.
 */
describe('cursors of a list read without its sort keys', () => {
  test.each([
    ['edges { cursor node { id } } pageInfo { hasNextPage }', (page: Page) => page.edges.at(-1)!.cursor!],
    ['edges { node { id } } pageInfo { hasNextPage endCursor }', (page: Page) => page.pageInfo.endCursor!],
  ])('evidence and votes walked with %s come one by one in order', async (selection, nextCursor) => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 10 });
    const claimId = await world.submitClaim(editor, eventId, 'Looters emptied the ATMs on Abay Avenue');
    const evidenceIds: string[] = [];
    for (const title of ['Bank statement', 'Street video', 'Police report']) {
      evidenceIds.push(ok(await editor.api.op('AddEvidence', { input: { claimId, stance: 'CONTEXT', url: 'https://example.org/atm', title } })).addEvidence.evidence.id);
    }
    const voteIds: string[] = [];
    for (const organization of ['Factcheck.kz', 'Vlast.kz', 'Azattyq']) {
      voteIds.push((await world.vote(await world.reviewer(organization), claimId, 'MIXED')).vote.id);
    }
    for (const [list, expected] of [['evidence', evidenceIds], ['votes', voteIds]] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const query = `query Walk($id: ID!, $after: String) { claim(id: $id) { ${list}(first: 1, after: $after) { ${selection} } } }`;
        const page: Page = ok(await editor.api.query(query, { id: claimId, after })).claim[list];
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage || seen.length > expected.length) break;
        after = nextCursor(page);
      }
      expect({ list, seen }).toEqual({ list, seen: expected });
      // The same page twice in one request (pages are read uncached, each parent once).
      const twice = `query Twice($id: ID!) { claim(id: $id) { a: ${list}(first: 2) { edges { node { id } } } b: ${list}(first: 2) { edges { node { id } } } } }`;
      const { claim } = ok(await editor.api.query(twice, { id: claimId }));
      expect([claim.a.edges.map((edge: Page['edges'][0]) => edge.node.id), claim.b.edges.map((edge: Page['edges'][0]) => edge.node.id)]).toEqual([
        expected.slice(0, 2),
        expected.slice(0, 2),
      ]);
    }
  });
});

interface Page {
  edges: { cursor?: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string };
}
