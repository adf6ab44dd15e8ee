import { Lexer, parse, Source, specifiedRules, TokenKind, validate } from 'graphql';
import { loadConfig } from '../../src/config/config';
import { ErrorCode } from '../../src/domain/errors';
import { costRefusal, operationCost } from '../../src/graphql/operation-cost';
import { limitRules, parseOptions, tokenLimitRefusal } from '../../src/graphql/operation-limits';
import { buildSchema } from '../../src/graphql/schema';
import { withoutSuggestion } from '../../src/graphql/suggestions';
import { contractDocument, contractOperationNames } from '../support/client';
import { largestVariables } from '../support/sample-variables';

const limits = loadConfig({}).operationLimits;
const schema = buildSchema();

function tokenCount(text: string): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

test('the whole contract document passes the default limits, and every operation its cost limit at the largest pages', () => {
  const tokens = tokenCount(contractDocument);
  const document = parse(contractDocument, parseOptions(limits));
  expect(validate(schema, document, [...specifiedRules, ...limitRules(limits)])).toEqual([]);
  const costs = contractOperationNames.map((name) => {
    const variables = largestVariables(schema, document, name);
    const cost = operationCost(schema, document, name, variables);
    // A number: the variables fit, so the cost was computed rather than skipped.
    expect(typeof cost).toBe('number');
    expect(costRefusal(limits, schema, document, name, variables)).toBeUndefined();
    return { name, cost: cost! };
  });
  const highest = costs.reduce((a, b) => (b.cost > a.cost ? b : a));
  console.log(
    `contract document: ${tokens} tokens (limit ${limits.maxTokens}); costs at first=100: ` +
      `${costs.map(({ name, cost }) => `${name} ${cost}`).join(', ')}; highest ${highest.name} ${highest.cost} (limit ${limits.maxCost})`,
  );
  // Comfortably: at most half of each limit.
  expect(tokens).toBeLessThanOrEqual(limits.maxTokens / 2);
  expect(highest.cost).toBeLessThanOrEqual(limits.maxCost / 2);
});

test('the deepest contract operation is well within the default depth limit', () => {
  const document = parse(contractDocument);
  const passes = (maxDepth: number) =>
    validate(schema, document, limitRules({ ...limits, maxDepth })).length === 0;
  let depth = 1;
  while (!passes(depth)) depth++;
  console.log(`contract depth: ${depth} (limit ${limits.maxDepth}); aliases 0 (limit ${limits.maxAliases}); directives 0 (limit ${limits.maxDirectives})`);
  expect(depth).toBeLessThanOrEqual(limits.maxDepth - 4);
  expect(validate(schema, document, limitRules({ ...limits, maxAliases: 0, maxDirectives: 0 }))).toEqual([]);
});

test("a connection's first multiplies what is below it, whether a literal, a variable or the schema's default", () => {
  const events = (first: string) => parse(`query($n: Int) { events${first} { totalCount edges { node { id title } } } }`);
  // edges { node { id title } } costs 1 + (1 + 2) = 4, plus totalCount: 5 per item, plus 1 for events.
  expect(operationCost(schema, events('(first: 10)'), undefined, {})).toBe(51);
  expect(operationCost(schema, events('(first: $n)'), undefined, { n: 10 })).toBe(51);
  expect(operationCost(schema, events(''), undefined, {})).toBe(101); // default first: 20
  expect(operationCost(schema, events('(first: $n)'), undefined, { n: 0 })).toBe(1);
  // Unset takes the schema's default; an explicit null counts as the largest page.
  const variable = events('(first: $n)');
  expect(operationCost(schema, variable, undefined, {})).toBe(101);
  expect(operationCost(schema, variable, undefined, { n: null })).toBe(501);
  expect(operationCost(schema, variable, undefined, { n: 10 })).toBe(51);
  expect(operationCost(schema, events('(first: $n)'), undefined, { n: 'ten' })).toBeUndefined();
  const nested = parse('{ events(first: 100000) { edges { node { claims(first: 100000) { edges { node { id } } } } } } }');
  expect(costRefusal(limits, schema, nested, undefined, {})?.extensions.code).toBe(ErrorCode.QueryTooComplex);
});

test("graphql-js's token-limit abort is told apart from other syntax errors", () => {
  const parseError = (text: string) => {
    try {
      parse(text, { maxTokens: 10 });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('parsed');
  };
  expect(tokenLimitRefusal(parseError(`{ viewer { ${'id '.repeat(20)} } }`))).toMatchObject({
    code: ErrorCode.QueryTooComplex,
    message: 'Token limit of 10 exceeded.',
  });
  expect(tokenLimitRefusal(parseError('{ viewer { id '))).toBeUndefined();
});

test.each([
  ['Cannot query field "titel" on type "Event". Did you mean "title"?', 'Cannot query field "titel" on type "Event".'],
  [
    'Variable "$input" got invalid value "FALS" at "input.rating"; Value "FALS" does not exist in "Rating" enum. Did you mean the enum value "FALSE"?',
    'Variable "$input" got invalid value "FALS" at "input.rating"; Value "FALS" does not exist in "Rating" enum.',
  ],
  ['Cannot query field "statement" on type "Node". Did you mean to use an inline fragment on "Claim"?', 'Cannot query field "statement" on type "Node".'],
  ['Unknown argument "frist" on field "Query.events". Did you mean "first"?', 'Unknown argument "frist" on field "Query.events".'],
])('a suggestion is cut from %j', (message, cut) => {
  expect(withoutSuggestion(message)).toBe(cut);
});
