import WebSocket from 'ws';
import { encodeGlobalId } from '../../src/domain/global-id';
import { ApiClient, contractDocument, ok } from '../support/client';
import { liveClient, overSocket } from '../support/live-client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

const deskOrigin = 'https://desk.example.org';
const foreignOrigin = 'https://attacker.example';

let server: TestServer;
let editor: Member;
let eventId: string;
let live: ReturnType<typeof liveClient>;
beforeAll(async () => {
  server = await startTestServer({ NODE_ENV: 'production', CORS_ORIGINS: `${deskOrigin}, https://other-desk.example.org` });
  const world = await World.create(server.url);
  editor = await world.editor();
  eventId = await world.openEvent(editor);
  live = liveClient(server.url, editor.token);
});
afterAll(async () => {
  await live?.dispose();
  await server?.stop();
});


// What must never reach a client: a stack frame, a file path, SQL, or a database driver's words.
const leak = new RegExp(
  [
    String.raw`\n\s+at `,
    String.raw`\bat \S+ \(`,
    String.raw`\.[cm]?[jt]s:\d+`,
    'node_modules',
    String.raw`/(work|src|dist|home|root|tmp|usr)/`,
    String.raw`\bselect\s.+\sfrom\b`,
    String.raw`\binsert\s+into\b`,
    String.raw`\bupdate\s+\S+\s+set\b`,
    String.raw`\bdelete\s+from\b`,
    'duplicate key',
    'violates',
    'relation "',
    'syntax error at or near',
    'QueryFailedError',
    'invalid input syntax',
    'byte sequence',
    'tsquery',
    String.raw`\bpg_`,
    'typeorm',
    'stacktrace',
  ].join('|'),
  'i',
);

/** GraphQL documents a prober would send, over both doors; none may make the server say too much. */
function probes(claimId: string): { query: string; variables?: Record<string, unknown>; operationName?: string }[] {
  return [
    { query: '{ claim(id: "not-a-global-id") { id } }' },
    { query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: encodeGlobalId('Claim', 'not-a-uuid') } },
    { query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: encodeGlobalId('Event', "1' OR '1'='1") } },
    { query: `{ claim(id: "${'x'.repeat(10_000)}") { id } }` },
    { query: '{ claims(after: "garbage") { totalCount } }' },
    { query: 'query($after: String) { claims(after: $after) { totalCount } }', variables: { after: Buffer.from('["x", 1, {"a": []}]').toString('base64url') } },
    { query: 'query($s: String) { claims(filter: { search: $s }) { totalCount } }', variables: { s: `a & | ! :* ( ) <-> 'b' "c` } },
    { query: 'query($t: String!) { similarClaims(text: $t) { score } }', variables: { t: '\u0000'.repeat(10) } },
    { query: 'query($t: String!) { similarClaims(text: $t) { score } }', variables: { t: '%_\\'.repeat(3000) } },
    { query: '{ events(first: 2147483648) { totalCount } }' },
    { query: '{ events(first: -1) { totalCount } }' },
    { query: 'query($first: Int) { events(first: $first) { totalCount } }', variables: { first: 'ten' } },
    {
      query: contractDocument,
      operationName: 'SubmitClaim',
      variables: { input: { eventId, statement: 'Banks closed\u0000 in Almaty', context: '\u0000' } },
    },
    { query: contractDocument, operationName: 'AddEvidence', variables: { input: { claimId, stance: 'SUPPORTS', url: 'javascript:alert(1)' } } },
    { query: contractDocument, operationName: 'CastVote', variables: { input: { claimId: eventId, rating: 'FALSE' } } },
    { query: contractDocument, operationName: 'LogIn', variables: { input: { email: 'nobody@example.org', password: 'wrong password' } } },
    { query: contractDocument, operationName: 'NoSuchOperation' },
    { query: '{ viewer { id ' },
  ];
}

async function httpText(init: RequestInit & { url?: string }): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(init.url ?? server.url, init);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

test('in production, no answer carries a stack, a file path, SQL or a driver message, over HTTP and WebSocket', async () => {
  const claimId = ok(await editor.api.op('SubmitClaim', { input: { eventId, statement: 'The airport in Almaty was seized' } })).submitClaim.claim.id;
  const json = { 'content-type': 'application/json' };
  const auth = { ...json, authorization: `Bearer ${editor.token}` };
  const http = [
    ...probes(claimId).map((probe) => ({ method: 'POST', headers: auth, body: JSON.stringify(probe) })),
    { method: 'POST', headers: json, body: '{"query": "{ viewer { id } }"' },
    { method: 'POST', headers: json, body: JSON.stringify({ query: `# ${'x'.repeat(110 * 1024)}` }) },
    { method: 'POST', headers: json, body: JSON.stringify([{ query: '{ viewer { id } }' }]) },
    { method: 'POST', headers: json, body: JSON.stringify({ query: 5 }) },
    { method: 'POST', headers: json, body: JSON.stringify({ query: '{ viewer { id } }', variables: 'not an object' }) },
    { method: 'POST', headers: json, body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } }) },
    { method: 'POST', headers: { ...json, authorization: 'Bearer not-a-jwt' }, body: JSON.stringify({ query: '{ viewer { id } }' }) },
    { method: 'POST', headers: { ...json, authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }, body: JSON.stringify({ query: '{ viewer { id } }' }) },
    { method: 'GET', headers: { 'apollo-require-preflight': 'true' }, url: `${server.url}?query=${encodeURIComponent('mutation { closeEvent(input: {eventId: "x"}) { event { id } } }')}` },
    { method: 'PUT', headers: json, body: '{}' },
  ];
  const codes: Record<string, number> = {};
  const count = (text: string) => {
    for (const match of text.matchAll(/"code":"(\w+)"/g)) codes[match[1]] = (codes[match[1]] ?? 0) + 1;
  };
  for (const request of http) {
    const { status, text, headers } = await httpText(request);
    expect({ request: request.body?.slice(0, 120), status, text }).toEqual({ request: request.body?.slice(0, 120), status, text: expect.not.stringMatching(leak) });
    expect(headers.get('x-powered-by')).toBeNull();
    expect(headers.get('x-sql-statements')).toBeNull();
    count(text);
  }
  for (const probe of probes(claimId)) {
    const text = JSON.stringify(await overSocket(live.client, probe.query, probe.variables, probe.operationName));
    expect({ probe: probe.query.slice(0, 120), text }).toEqual({ probe: probe.query.slice(0, 120), text: expect.not.stringMatching(leak) });
    count(text);
  }
  console.log(`leak probe: ${http.length} HTTP requests, ${probes(claimId).length} WebSocket operations, codes seen ${JSON.stringify(codes)}`);
});

test('in production, introspection is refused over HTTP and WebSocket', async () => {
  for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Claim") { fields { name } } }']) {
    const answers = [await editor.api.query(query), await overSocket(live.client, query)];
    for (const answer of answers) {
      expect(answer.data).toBeUndefined();
      expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  }
});

test('in production, a misspelled field, argument, type or enum value gets no suggestion, over HTTP and WebSocket', async () => {
  const misspellings: { query: string; variables?: Record<string, unknown>; hidden: string }[] = [
    { query: '{ events { totalCont } }', hidden: 'totalCount' },
    { query: '{ events(frist: 1) { totalCount } }', hidden: '"first"' },
    { query: '{ node(id: "x") { statement } }', hidden: '"Claim"' },
    { query: '{ node(id: "x") { ... on Claimm { id } } }', hidden: '"Claim"' },
    { query: '{ claims(filter: { rating: [FALS] }) { totalCount } }', hidden: '"FALSE"' },
    { query: 'query($r: [Rating!]) { claims(filter: { rating: $r }) { totalCount } }', variables: { r: ['FALS'] }, hidden: '"FALSE"' },
    { query: 'query($f: ClaimFilter) { claims(filter: $f) { totalCount } }', variables: { f: { serch: 'x' } }, hidden: '"search"' },
  ];
  const messages: string[] = [];
  for (const { query, variables, hidden } of misspellings) {
    for (const answer of [await editor.api.query(query, variables), await overSocket(live.client, query, variables)]) {
      expect(answer.data ?? undefined).toBeUndefined();
      for (const { message } of answer.errors!) {
        expect(message).not.toMatch(/did you mean/i);
        expect(message).not.toContain(hidden);
        messages.push(message);
      }
    }
  }
  console.log(`suggestions hidden: ${messages.length} messages, e.g. ${JSON.stringify(messages.slice(0, 2))}`);
});

describe('CSRF prevention', () => {
  const viewer = encodeURIComponent('{ viewer { id } }');

  test('a simple POST (text/plain or a form), which another site could send, is refused before it runs', async () => {
    const plain = await httpText({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: 'mutation { closeEvent(input: {eventId: "x"}) { event { id } } }' }) });
    const form = await httpText({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B%20viewer%20%7B%20id%20%7D%20%7D' });
    for (const refused of [plain, form]) {
      expect(refused.status).toBe(400);
      expect(refused.text).toMatch(/Cross-Site Request Forgery/);
      expect(refused.text).not.toMatch(leak);
      expect(refused.text).not.toContain('"data"');
    }
    console.log(`CSRF: text/plain POST ${plain.status}, form POST ${form.status}: ${plain.text.slice(0, 100)}`);
  });

  test('a GET query, bare or with apollo-require-preflight, or a JSON POST, is served (a GET carries no credentials)', async () => {
    for (const headers of [{}, { 'apollo-require-preflight': 'true' }] as Record<string, string>[]) {
      const get = await fetch(`${server.url}?query=${viewer}`, { headers });
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual({ data: { viewer: null } });
    }
    ok(await new ApiClient(server.url).query('{ viewer { id } }'));
  });
});

describe('origins', () => {
  test('CORS: an allowed origin gets Access-Control-Allow-Origin, a foreign one does not', async () => {
    const preflight = (origin: string) =>
      fetch(server.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    const post = (origin: string) =>
      fetch(server.url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { id } }' }) });
    for (const response of [await preflight(deskOrigin), await post(deskOrigin)]) {
      expect(response.headers.get('access-control-allow-origin')).toBe(deskOrigin);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    for (const response of [await preflight(foreignOrigin), await post(foreignOrigin)]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  const upgrade = (origin?: string) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('error', () => resolve(-1));
    });

  test('in production, a WebSocket upgrade from a foreign Origin is refused; an allowed or absent Origin is accepted', async () => {
    const statuses = { foreign: await upgrade(foreignOrigin), allowed: await upgrade(deskOrigin), none: await upgrade() };
    console.log(`WebSocket upgrade statuses: ${JSON.stringify(statuses)}`);
    expect(statuses).toEqual({ foreign: 403, allowed: 101, none: 101 });
  });
});
