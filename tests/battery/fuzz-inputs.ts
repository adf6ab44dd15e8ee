import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  type GraphQLInputType,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { encodeCursor } from '../../src/domain/cursor';
import { encodeGlobalId } from '../../src/domain/global-id';
import { contractDocument } from '../support/client';

const contractDir = join(__dirname, '../../../shared/contract');
/** The contract's schema with its extensions, which the extensions' operations in the contract document need. */
const contractSchema = buildSchema(
  [
    readFileSync(join(contractDir, 'schema.graphql'), 'utf8'),
    ...readdirSync(join(contractDir, 'extensions'))
      .filter((name) => name.endsWith('.graphql') && !name.endsWith('.operations.graphql'))
      .sort()
      .map((name) => readFileSync(join(contractDir, 'extensions', name), 'utf8')),
  ].join('\n'),
);
export const contractOperations = parse(contractDocument).definitions.filter(
  (definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition',
);

/** Real IDs and cursors of the test's world, for the generator to mix with forged ones. */
export interface Pools {
  ids: string[];
  cursors: string[];
  /** Real IDs of the right type for an argument or field name (eventId, claimId, ...). */
  byName: Record<string, string[]>;
  /** Real strings for a string field name (an invitation's code, an invitee's email), mixed with odd ones. */
  texts: Record<string, string[]>;
}

const uuid0 = '00000000-0000-4000-8000-000000000000';

/** Strings that have broken servers: NUL, lone surrogates, direction marks, SQL and JSON look-alikes. */
const oddStrings = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '\u202eevil',
  '\ufeff',
  '\u200b',
  'Z\u0351\u0358\u0360',
  '𝕏𝕪',
  'ё',
  'Қазақстан',
  "'; DROP TABLE votes; --",
  '" OR 1=1 --',
  '\\',
  '%00',
  '$1',
  '{"$ne": null}',
  '__proto__',
  'constructor',
  ' ',
  '',
  'https://',
  'javascript:alert(1)',
  'http://[::1',
  '1970-01-01T00:00:00.000Z',
  '+275760-09-13T00:00:00.001Z',
  '-000001-01-01T00:00:00Z',
  'NaN',
  'Infinity',
];

// Huge strings are rare: a body over the 100 KB limit is refused before anything else is looked at.
const nastyString = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...oddStrings) },
  { weight: 10, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 10,
    arbitrary: fc.array(fc.oneof(fc.constantFrom(...oddStrings), fc.string({ unit: 'grapheme', maxLength: 8 })), { maxLength: 8 }).map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.constantFrom(5_000, 40_000, 150_000).map((n) => 'ы'.repeat(n / 2)) },
);

const badNumbers = fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308, -1e308, -0, 0.5, -1, 0, 5e-324, 101, 1001);

/** Objects and arrays nested up to thousands deep. */
const deepNesting = fc.record({ depth: fc.constantFrom(10, 100, 1000, 2000), list: fc.boolean() }).map(({ depth, list }) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = list ? [value] : { input: value };
  return value;
});

function forgedIds(pools: Pools) {
  return fc.oneof(
    fc.constantFrom(...pools.ids),
    fc.constantFrom('Node', 'not-an-id', '', '==', 'Q2xhaW06', 'x'.repeat(101), '!!!', '\u0000'),
    fc.constantFrom('Reviewer', 'Event', 'Claim', 'Evidence', 'Vote', 'Organization', 'Membership').map((type) => encodeGlobalId(type as 'Claim', uuid0)),
    fc.constantFrom('Claim:1', 'Claim:00000000-0000-4000-8000-000000000000:x', 'Admin:' + uuid0, 'Claim:' + uuid0.toUpperCase(), 'Invitation:' + uuid0).map((text) =>
      Buffer.from(text).toString('base64url'),
    ),
  );
}

function forgedCursors(pools: Pools) {
  return fc.oneof(
    fc.constantFrom(...pools.cursors),
    fc.constantFrom('', 'abc', '!!!', 'x'.repeat(501), Buffer.from('["lg"]').toString('base64url'), Buffer.from('not json').toString('base64url')),
    fc.tuple(fc.constantFrom('lg', 'ev', 'cn', 'cu', 'ed', 'vo', 'zz'), fc.constantFrom<unknown[]>(
      [uuid0, 1],
      [uuid0, 2 ** 53],
      [uuid0, -1],
      [8.64e15 + 1, uuid0],
      [0, uuid0],
      [1.5, 'x'],
      [null, null],
      [{}, []],
      ['1', '2', '3'],
    )).map(([kind, key]) => encodeCursor(kind, key as never)),
  );
}

/** Anything at all where a value is expected: wrong types, nulls, odd numbers, deep nesting. */
function wildValue(pools: Pools): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: nastyString },
    { weight: 3, arbitrary: badNumbers },
    { weight: 3, arbitrary: fc.constantFrom(true, false, null, [], {}, [null], { constructor: 1 }, [[[]]]) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 3, arbitrary: forgedIds(pools) },
    { weight: 3, arbitrary: forgedCursors(pools) },
  );
}

/**
 * A value for a variable or input field of the given type. `wild`: mostly the right shape with
 * odd content, sometimes anything at all. Otherwise always the right shape (real IDs, valid enum
 * values, small numbers) with odd strings, so that the odd text gets past validation to the
 * services and the database.
 */
function valueFor(type: GraphQLInputType, name: string, pools: Pools, wild: boolean): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueFor(type.ofType, name, pools, wild);
  let plausible: fc.Arbitrary<unknown>;
  if (isListType(type)) {
    const items = fc.array(valueFor(type.ofType, name, pools, wild), { maxLength: 6 });
    plausible = wild ? fc.oneof(items, fc.constantFrom(60, 500).map((n) => Array(n).fill(pools.ids[0]))) : items;
  } else if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    const shape = Object.fromEntries(fields.map((field) => [field.name, valueFor(field.type, field.name, pools, wild)]));
    const required = fields.filter((field) => isNonNullType(field.type)).map((field) => field.name);
    const record = fc.record(shape, { requiredKeys: wild ? [] : required });
    plausible = wild
      ? fc.tuple(record, fc.option(fc.tuple(nastyString, wildValue(pools)))).map(([value, extra]) => (extra ? { ...value, [extra[0]]: extra[1] } : value))
      : record;
  } else if (isEnumType(type)) {
    const values = fc.constantFrom(...type.getValues().map((value) => value.name));
    plausible = wild ? fc.oneof(values, nastyString) : values;
  } else if (type.name === 'ID') plausible = wild ? forgedIds(pools) : fc.constantFrom(...(pools.byName[name] ?? pools.ids));
  else if (type.name === 'Int') plausible = wild ? fc.oneof(fc.integer({ min: -5, max: 200 }), badNumbers) : fc.integer({ min: 1, max: 100 });
  else if (type.name === 'Float') plausible = wild ? fc.oneof(fc.double({ noNaN: true }), badNumbers) : fc.double({ min: 0.51, max: 1, noNaN: true });
  else if (type.name === 'Boolean') plausible = fc.boolean();
  else if (name === 'after') plausible = forgedCursors(pools);
  else if (pools.texts[name]) plausible = fc.oneof(fc.constantFrom(...pools.texts[name]), nastyString);
  else plausible = nastyString;
  return wild ? fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: wildValue(pools) }) : plausible;
}

/** Variables for a contract operation, from its variable definitions: wild ones, or the right shape with odd text. */
export function variablesFor(operation: OperationDefinitionNode, pools: Pools): fc.Arbitrary<unknown> {
  const shapeOf = (wild: boolean) =>
    Object.fromEntries(
      (operation.variableDefinitions ?? []).map((definition) => [
        definition.variable.name.value,
        valueFor(typeFromAST(contractSchema, definition.type as never) as GraphQLInputType, definition.variable.name.value, pools, wild),
      ]),
    );
  const required = (operation.variableDefinitions ?? []).filter((definition) => definition.type.kind === 'NonNullType').map((definition) => definition.variable.name.value);
  return fc.oneof(
    { weight: 5, arbitrary: fc.record(shapeOf(true), { requiredKeys: [] }) },
    { weight: 4, arbitrary: fc.record(shapeOf(false), { requiredKeys: required }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('variables', [1, 2], 7, null, true) },
  );
}

/** Broken documents: noise, a cut or mutated contract document, deep selections, alias floods. */
export const brokenDocument: fc.Arbitrary<string> = fc.oneof(
  nastyString,
  fc.nat({ max: contractDocument.length }).map((cut) => contractDocument.slice(0, cut)),
  fc.tuple(fc.nat({ max: contractDocument.length - 1 }), fc.constantFrom('{', '}', '(', '$', '"', '\u0000', '...', '#', '@skip', ':')).map(
    ([at, insert]) => contractDocument.slice(0, at) + insert + contractDocument.slice(at),
  ),
  fc.constantFrom(5, 50, 500, 5000).map((depth) => `query Deep { ${'claim(id: "x") { event { '.repeat(depth)}id${' } }'.repeat(depth)} }`),
  fc.constantFrom(100, 2000).map((n) => `query Aliases { ${Array.from({ length: n }, (_, i) => `a${i}: events { totalCount }`).join(' ')} }`),
  fc.constantFrom(10, 1000).map((n) => `query Args { events(first: ${'['.repeat(n)}1${']'.repeat(n)}) { totalCount } }`),
  fc.constantFrom(
    'query { __schema { types { name } } }',
    'query { node(id: "x") { ... on Reviewer { email } } }',
    'subscription { activity(eventId: "x") { cursor } }',
    'mutation { castVote(input: {claimId: "x", rating: FALSE}) { vote { id } } } mutation { castVote(input: {claimId: "x", rating: TRUE}) { vote { id } } }',
    '{ events(first: 99999999999) { totalCount } }',
    '{ events(first: -1) { totalCount } }',
    '{ claims(first: 1e9) { totalCount } }',
    'query Q($v: String = "\\u0000") { similarClaims(text: $v) { score } }',
    '{ organizations(first: 99999999999) { totalCount } }',
    '{ organizations(first: -1, after: "!!!") { totalCount } }',
    'query { viewer { membership { organization { memberships(first: 100) { edges { node { reviewer { membership { organization { memberships { totalCount } } } } } } } } } } }',
    'mutation { a: suspendMember(input: {membershipId: "x", reason: "r"}) { recomputedClaimCount } b: reinstateMember(input: {membershipId: "x"}) { recomputedClaimCount } }',
    'mutation { inviteMember(input: {organizationId: "x", email: "a@b.c", role: ADMIN, expiresInHours: 2147483647}) { invitation { code } } }',
  ),
  fc.constantFrom(5, 50, 500).map(
    (depth) => `query DeepTrust { organizations { edges { node { ${'memberships { edges { node { organization { '.repeat(depth)}id${' } } } }'.repeat(depth)} } } } }`,
  ),
);
