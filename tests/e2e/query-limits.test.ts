import { Lexer, parse, Source, TokenKind } from 'graphql';
import WebSocket from 'ws';
import { buildSchema } from '../../src/graphql/schema';
import { ApiClient, contractDocument, contractOperationNames, GraphQLResponse } from '../support/client';
import { liveClient, overSocket } from '../support/live-client';
import { expectSafeErrors } from '../support/refusals';
import { largestVariables } from '../support/sample-variables';
import { startTestServer, TestServer } from '../support/test-server';

// Outside production: the limits hold in every mode, and this is where express would show a stack.
let server: TestServer;
let api: ApiClient;
let live: ReturnType<typeof liveClient>;
beforeAll(async () => {
  server = await startTestServer();
  api = new ApiClient(server.url);
  live = liveClient(server.url);
});
afterAll(async () => {
  await live?.dispose();
  await server?.stop();
});


function tokenCount(text: string): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

const times = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i)).join(' ');

const chain = (n: number) =>
  times(n, (i) => `fragment F${i} on Claim { duplicateOf { ${i + 1 < n ? `...F${i + 1}` : 'id'} } }`);

const nestedPages = (first: string) =>
  `events(first: ${first}) { edges { node { claims(first: ${first}) { edges { node { votes(first: ${first}) { edges { node { id } } } } } } } } }`;

const bombs: { name: string; query: string; variables?: Record<string, unknown>; code: string }[] = [
  { name: 'depth 50', query: `{ claim(id: "x") { ${'duplicateOf { '.repeat(49)}id${' }'.repeat(49)} } }`, code: 'QUERY_TOO_COMPLEX' },
  { name: '1,000 aliases', query: `{ event(id: "x") { ${times(1000, (i) => `a${i}: title`)} } }`, code: 'QUERY_TOO_COMPLEX' },
  {
    name: 'fragment cycle',
    query: '{ claim(id: "x") { ...A } } fragment A on Claim { duplicateOf { ...B } } fragment B on Claim { duplicateOf { ...A } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  { name: 'fragment chain of 60', query: `{ claim(id: "x") { ...F0 } } ${chain(60)}`, code: 'QUERY_TOO_COMPLEX' },
  { name: 'first: 100000, three deep', query: `{ ${nestedPages('100000')} }`, code: 'QUERY_TOO_COMPLEX' },
  {
    name: 'first: $n = 100000, three deep',
    query: `query($n: Int) { ${nestedPages('$n')} }`,
    variables: { n: 100_000 },
    code: 'QUERY_TOO_COMPLEX',
  },
  { name: 'largest pages (100), three deep', query: `{ ${nestedPages('100')} }`, code: 'QUERY_TOO_COMPLEX' },
  { name: '15,000 tokens', query: `{ viewer { ${'id '.repeat(15_000)}} }`, code: 'QUERY_TOO_COMPLEX' },
  { name: '500 directives', query: `{ viewer { ${'id @skip(if: false) '.repeat(500)}} }`, code: 'QUERY_TOO_COMPLEX' },
];

describe('query bombs are refused before execution', () => {
  test.each(bombs)('$name, over HTTP and over WebSocket', async ({ name, query, variables, code }) => {
    const http = await api.query(query, variables);
    const socket = await overSocket(live.client, query, variables);
    for (const answer of [http, socket]) {
      expect(answer.data).toBeUndefined();
      expect(answer.errors?.length).toBeGreaterThan(0);
      expect(answer.errors!.map((error) => error.extensions?.code)).toEqual(answer.errors!.map(() => code));
      expectSafeErrors(answer as GraphQLResponse);
    }
    expect(http.status).toBe(400);
    console.log(
      `${name}: ${Buffer.byteLength(query)} bytes, ${tokenCount(query)} tokens -> HTTP ${http.status} ${http.errors![0].extensions!.code} ` +
        `"${http.errors![0].message}"; WebSocket ${socket.errors![0].extensions!.code}`,
    );
  });
});

test('every contract operation, at the largest pages, passes the limits over HTTP and over WebSocket', async () => {
  const schema = buildSchema();
  const document = parse(contractDocument);
  const refusals = new Set(['QUERY_TOO_COMPLEX', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);
  for (const name of contractOperationNames) {
    const variables = largestVariables(schema, document, name);
    const answers = [await overSocket(live.client, contractDocument, variables, name)];
    if (!name.startsWith('On')) answers.push(await api.op(name, variables));
    for (const answer of answers) {
      // Refusals the resolvers make (NOT_FOUND, BAD_USER_INPUT, ...) are fine: the operation ran.
      const codes = (answer.errors ?? []).map((error) => error.extensions?.code);
      expect({ name, codes: codes.filter((code) => refusals.has(code!)) }).toEqual({ name, codes: [] });
    }
  }
});

describe('request bodies', () => {
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(server.url, { method: 'POST', headers, body });

  test('a body over 100 KB is a 413 with a JSON error and no stack', async () => {
    const body = JSON.stringify({ query: `{ viewer { id } } # ${'x'.repeat(110 * 1024)}` });
    const response = await post(body);
    const text = await response.text();
    console.log(`body of ${Math.round(body.length / 1024)} KB -> ${response.status} ${text}`);
    expect(response.status).toBe(413);
    expect(JSON.parse(text)).toEqual({ errors: [{ message: 'The request body is larger than 100 KB', extensions: { code: 'BAD_REQUEST' } }] });
  });

  test('a body that is not JSON is a 400 with a JSON error and no stack', async () => {
    const response = await post('{"query": "{ viewer { id } }"');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  });

  test('a batched array of operations is refused with 400, none of them run', async () => {
    const response = await post(JSON.stringify([{ query: '{ viewer { id } }' }, { query: '{ events { totalCount } }' }]));
    const body = (await response.json()) as GraphQLResponse;
    console.log(`batched array -> ${response.status} ${JSON.stringify(body)}`);
    expect(response.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })]);
    expectSafeErrors(body);
  });
});

test('outside production, suggestions are shown and any Origin may open a socket', async () => {
  const misspelled = await api.query('{ events { totalCont } }');
  expect(misspelled.errors![0].message).toMatch(/Did you mean "totalCount"\?/);
  const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { origin: 'https://attacker.example' });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.close();
  const preflight = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'https://any.example', 'access-control-request-method': 'POST' } });
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
});
