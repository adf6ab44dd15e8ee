import { ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

interface TypeField {
  name: string;
  type: { kind: string; ofType: { kind: string; ofType: { kind: string; ofType: { kind: string } | null } | null } | null };
}

/** The fields of a type as the served schema lists them, each with a selection that reads it. */
async function selectionsOf(member: Member, typeName: string): Promise<Record<string, string>> {
  const data = ok(
    await member.api.query(
      `query Fields($name: String!) { __type(name: $name) { fields { name type { kind ofType { kind ofType { kind ofType { kind } } } } } } }`,
      { name: typeName },
    ),
  );
  const innermost = (type: TypeField['type']): string => {
    let t: { kind: string; ofType?: unknown } = type;
    while (t.ofType) t = t.ofType as typeof t;
    return t.kind;
  };
  const fields = data.__type.fields as TypeField[];
  return Object.fromEntries(fields.map((field) => [field.name, innermost(field.type) === 'OBJECT' ? `${field.name} { id }` : field.name]));
}

/**
 * Lists read only the columns their nodes' fields need (node-projection.ts). Each field of
 * Evidence and Vote, asked for alone through a claim's list, must read the same as through
 * node(id), which reads the whole row: a field whose resolver needs a column the projection
 * leaves out would come back null or wrong here.
 */
describe("a list's nodes read only what their fields need", () => {
  test.each([
    ['Evidence', 'evidence'],
    ['Vote', 'votes'],
  ])('every field of %s reads the same through Claim.%s as through node(id)', async (typeName, listField) => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'Russian troops landed at Almaty airport');
    const reviewer = await world.reviewer('Factcheck.kz');
    const evidenceId = ok(
      await reviewer.api.op('AddEvidence', {
        input: { claimId, stance: 'REFUTES', url: 'https://example.org/airport', title: 'Airport statement', excerpt: 'No landing took place.' },
      }),
    ).addEvidence.evidence.id;
    await world.vote(reviewer, claimId, 'FALSE', { rationale: 'The airport denies it', evidenceIds: [evidenceId] });

    const selections = await selectionsOf(reviewer, typeName);
    expect(Object.keys(selections).length).toBeGreaterThan(5);
    for (const [name, selection] of Object.entries(selections)) {
      const listed = ok(
        await reviewer.api.query(`query Listed($id: ID!) { claim(id: $id) { ${listField}(first: 5) { edges { node { id ${selection} } } } } }`, {
          id: claimId,
        }),
      ).claim[listField].edges;
      expect(listed).toHaveLength(1);
      const { node } = listed[0];
      const whole = ok(await reviewer.api.query(`query Whole($id: ID!) { node(id: $id) { ... on ${typeName} { id ${selection} } } }`, { id: node.id })).node;
      expect({ field: name, value: node[name] }).toEqual({ field: name, value: whole[name] });
      expect({ field: name, value: node[name] }).not.toEqual({ field: name, value: null });
    }
  });
});
