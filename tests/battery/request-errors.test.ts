import { contractDocument } from '../support/client';
import { expectSafeErrors } from '../support/refusals';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ NODE_ENV: 'production' });
});
afterAll(() => server?.stop());

async function post(body: string) {
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  expect(text).not.toMatch(/node_modules|\n\s+at |<html/i);
  return { status: response.status, json: JSON.parse(text) };
}

test.each([
  ['not JSON', '{"query": ', 400, 'The request body is not valid JSON'],
  ['a bare null', 'null', 400, 'The request body is not valid JSON'],
  ['over 100 KB', JSON.stringify({ query: `# ${'x'.repeat(200_000)}\n{ viewer { id } }` }), 413, 'The request body is larger than 100 KB'],
])('a request body that is %s is a BAD_REQUEST in JSON, with no stack or file path', async (_what, body, status, message) => {
  const response = await post(body);
  expect(response.status).toBe(status);
  expect(response.json).toEqual({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
});

test('more than 50 bad values in the variables are BAD_USER_INPUT to the end, never INTERNAL_SERVER_ERROR', async () => {
  const query = 'query Claims($filter: ClaimFilter) { claims(filter: $filter) { totalCount } }';
  const response = await post(JSON.stringify({ query, variables: { filter: { status: Array(60).fill('NOT_A_STATUS') } } }));
  expect(response.status).toBe(400);
  expectSafeErrors(response.json);
  const codes = new Set(response.json.errors.map((error: { extensions: { code: string } }) => error.extensions.code));
  expect(codes).toEqual(new Set(['BAD_USER_INPUT']));
  expect(response.json.errors.at(-1).message).toBe('Too many errors processing variables, error limit reached. Execution aborted.');
});

test('a persisted query whose hash does not match is a BAD_REQUEST, never INTERNAL_SERVER_ERROR', async () => {
  const extensions = { persistedQuery: { version: 1, sha256Hash: 'not-the-hash' } };
  const response = await post(JSON.stringify({ query: '{ viewer { id } }', extensions }));
  expect(response.status).toBe(400);
  expect(response.json).toEqual({ errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] });
});

test.each([
  ['a document of its own', { query: 'subscription { activity(eventId: "x") { cursor } }' }],
  ['the contract operation OnActivity', { query: contractDocument, operationName: 'OnActivity', variables: { eventId: 'x' } }],
])('a subscription sent over HTTP (%s) is a BAD_REQUEST that points to graphql-ws, never INTERNAL_SERVER_ERROR', async (_what, body) => {
  const response = await post(JSON.stringify(body));
  expect(response.status).toBe(400);
  expect(response.json).toEqual({
    errors: [{ message: 'Subscriptions are served over WebSocket (graphql-ws) on this path, not over HTTP', extensions: { code: 'BAD_REQUEST' } }],
  });
});

test.each([
  ['names no operation of a one-operation document', { query: 'query Viewer { viewer { id } }', operationName: 'CastVote' }],
  ['names no operation of an anonymous operation', { query: '{ viewer { id } }', operationName: 'CastVote' }],
])('an operationName that %s is an OPERATION_RESOLUTION_FAILURE (400), never INTERNAL_SERVER_ERROR', async (_what, body) => {
  const response = await post(JSON.stringify(body));
  expectSafeErrors(response.json);
  expect({ status: response.status, codes: response.json.errors?.map((error: { extensions?: { code?: string } }) => error.extensions?.code) }).toEqual({
    status: 400,
    codes: ['OPERATION_RESOLUTION_FAILURE'],
  });
});

test.each([
  ['a NUL character', 'a\u0000b@example.org'],
  ['only a NUL character', '\u0000'],
])('a logIn whose email holds %s is refused as any wrong email is, never INTERNAL_SERVER_ERROR', async (_what, email) => {
  const query = 'mutation LogIn($input: LogInInput!) { logIn(input: $input) { token } }';
  const response = await post(JSON.stringify({ query, variables: { input: { email, password: 'correct horse battery' } } }));
  expectSafeErrors(response.json);
  // logIn: "A wrong email or password is UNAUTHENTICATED"; an email that no account can have may also be BAD_USER_INPUT.
  expect(String(response.json.errors?.[0]?.extensions?.code)).toMatch(/^(UNAUTHENTICATED|BAD_USER_INPUT)$/);
});
