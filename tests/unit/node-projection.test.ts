import type { GraphQLObjectType } from 'graphql';
import { cursorReads, entityProperties, fieldReads, Projections } from '../../src/graphql/node-projection';
import { buildSchema } from '../../src/graphql/schema';

const schema = buildSchema();
const listed = [
  ['Claim', Projections.claim],
  ['Evidence', Projections.evidence],
  ['Vote', Projections.vote],
] as const;

/**
 * What each field of a listed type reads is declared in the SDL (@reads) and checked here against
 * the TypeORM entity: a renamed or removed property fails this test, not a page in production.
 * Whether a resolver reads no more than declared is tests/e2e/node-projection.test.ts's job.
 */
describe.each(listed)('the fields of %s read stored properties of its entity', (typeName, projection) => {
  const type = schema.getType(typeName) as GraphQLObjectType;
  const properties = entityProperties(projection.entity);

  test('every property a field declares, and every property a list always reads, is one of the entity', () => {
    const declared = Object.keys(type.getFields()).flatMap((name) => (fieldReads(schema, type, name, projection.entity) ?? []).map((property) => `${name}: ${property}`));
    expect(declared.length).toBeGreaterThan(3);
    expect(declared.filter((read) => !properties.has(read.split(': ')[1]))).toEqual([]);
    expect([...projection.always, ...cursorReads(projection)].filter((property) => !properties.has(property))).toEqual([]);
  });

  test('only fields known to need the whole row read it', () => {
    const wholeRow = Object.keys(type.getFields()).filter((name) => fieldReads(schema, type, name, projection.entity) === null);
    expect(wholeRow).toEqual(typeName === 'Claim' ? ['claimReview'] : []);
  });
});

test('an unmarked field reads the property of its own name; a marked one what it names', () => {
  const claim = schema.getType('Claim') as GraphQLObjectType;
  expect(fieldReads(schema, claim, 'statement', Projections.claim.entity)).toEqual(['statement']);
  expect(fieldReads(schema, claim, 'submittedBy', Projections.claim.entity)).toEqual(['submittedById']);
  expect(fieldReads(schema, claim, 'votes', Projections.claim.entity)).toEqual([]);
});
