import { createHash } from 'node:crypto';
import { ok } from '../support/client';
import { rawRequest } from '../support/raw-http';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
let world: World;
let editor: Member;
let eventId: string;
beforeAll(async () => {
  server = await startTestServer();
  world = await World.create(server.url);
  editor = await world.editor();
  eventId = await world.openEvent(editor, { quorum: 1 });
  // Enough claims for an answer well over compression's 1 KB threshold.
  for (let i = 0; i < 12; i++) await world.submitClaim(editor, eventId, `Banks in Almaty were looted overnight, report number ${i}`);
});
afterAll(() => server?.stop());

const board = `query Board($eventId: ID!) { event(id: $eventId) { claims(first: 50) { edges { node { id statement createdAt } } } } }`;
const getUrl = (query: string, variables: Record<string, unknown>, extensions?: Record<string, unknown>) => {
  const params = new URLSearchParams({ query, variables: JSON.stringify(variables) });
  if (extensions) params.set('extensions', JSON.stringify(extensions));
  return `${server.url}?${params}`;
};
const jsonPost = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('compression', () => {
  test('brotli, gzip or nothing, as the client accepts; the same answer each way', async () => {
    const request = jsonPost({ query: board, variables: { eventId } });
    const brotli = await rawRequest(server.url, { ...request, headers: { ...request.headers, 'accept-encoding': 'br, gzip' } });
    const gzip = await rawRequest(server.url, { ...request, headers: { ...request.headers, 'accept-encoding': 'gzip' } });
    const plain = await rawRequest(server.url, request);

    expect(brotli.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const response of [brotli, gzip, plain]) {
      expect(response.status).toBe(200);
      expect(response.headers.vary).toMatch(/Accept-Encoding/i);
    }
    expect(JSON.parse(brotli.text)).toEqual(JSON.parse(plain.text));
    expect(JSON.parse(gzip.text)).toEqual(JSON.parse(plain.text));
    expect(JSON.parse(plain.text).data.event.claims.edges).toHaveLength(12);
    expect(brotli.wire.length).toBeLessThan(plain.wire.length / 3);
    expect(gzip.wire.length).toBeLessThan(plain.wire.length / 3);
    console.log(`board of 12 claims: ${plain.wire.length} B plain, ${gzip.wire.length} B gzip, ${brotli.wire.length} B brotli`);
  });

  test('a client that accepts no encoding, or only identity, gets the plain body', async () => {
    const identity = await rawRequest(getUrl(board, { eventId }), { headers: { 'accept-encoding': 'identity' } });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(identity.text).data.event.claims.edges).toHaveLength(12);
  });
});

describe('GET queries, for caches on the way', () => {
  test("a bare GET query, as urql sends it by default, is served; an anonymous one may be cached publicly for a short while", async () => {
    const response = await rawRequest(getUrl(board, { eventId }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).data.event.claims.edges).toHaveLength(12);
    expect(response.headers['cache-control']).toBe('public, max-age=10');
    expect(response.headers.vary).toMatch(/Authorization/);
  });

  test('a signed-in GET is private and not stored; a GET that fails is not stored either', async () => {
    const signedIn = await rawRequest(getUrl('{ viewer { id } }', {}), { headers: { authorization: `Bearer ${editor.token}` } });
    expect(signedIn.status).toBe(200);
    expect(JSON.parse(signedIn.text).data.viewer.id).toBeTruthy();
    expect(signedIn.headers['cache-control']).toBe('private, no-store');

    const missing = await rawRequest(getUrl('query ($id: ID!) { event(id: $id) { id } }', { id: 'RXZlbnQ6bm8' }));
    expect(JSON.parse(missing.text).errors[0].extensions.code).toBe('NOT_FOUND');
    expect(missing.headers['cache-control']).toBe('private, no-store');
  });

  test('a mutation over GET is refused with 405 and runs nothing; POST stays the way to write', async () => {
    const title = `Opened over GET ${Date.now()}`;
    const mutation = `mutation { openEvent(input: {title: "${title}", region: "KZ"}) { event { id } } }`;
    const refused = await rawRequest(getUrl(mutation, {}), { headers: { authorization: `Bearer ${editor.token}` } });
    expect(refused.status).toBe(405);
    expect(refused.headers['cache-control']).not.toMatch(/public/);
    const events = ok(await world.anonymous.query('{ events(first: 100) { edges { node { title } } } }'));
    expect(events.events.edges.map((edge: { node: { title: string } }) => edge.node.title)).not.toContain(title);
  });

  test('automatic persisted queries: the hash alone, then hash and text once, then the hash alone is served', async () => {
    const query = `query PersistedBoard($eventId: ID!) { event(id: $eventId) { title claims(first: 5) { totalCount } } }`;
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const unknown = await rawRequest(`${server.url}?${new URLSearchParams({ variables: JSON.stringify({ eventId }), extensions: JSON.stringify({ persistedQuery }) })}`);
    expect(JSON.parse(unknown.text).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(unknown.headers['cache-control']).toBe('private, no-store');

    const registered = await rawRequest(getUrl(query, { eventId }, { persistedQuery }));
    expect(JSON.parse(registered.text).data.event.claims.totalCount).toBe(12);

    const byHash = await rawRequest(`${server.url}?${new URLSearchParams({ variables: JSON.stringify({ eventId }), extensions: JSON.stringify({ persistedQuery }) })}`);
    expect(byHash.status).toBe(200);
    expect(JSON.parse(byHash.text).data.event.claims.totalCount).toBe(12);
    expect(byHash.headers['cache-control']).toBe('public, max-age=10');
  });

  test('a POST that is not JSON (a form or text/plain, which another site could send) is refused before it runs', async () => {
    const before = ok(await world.anonymous.query('{ events(first: 100) { totalCount } }')).events.totalCount;
    const mutation = JSON.stringify({ query: 'mutation { openEvent(input: {title: "Forged", region: "KZ"}) { event { id } } }' });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const response = await rawRequest(server.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${editor.token}`, ...(contentType ? { 'content-type': contentType } : {}) },
        body: mutation,
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text).errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/Cross-Site Request Forgery/) });
    }
    expect(ok(await world.anonymous.query('{ events(first: 100) { totalCount } }')).events.totalCount).toBe(before);
  });
});

test('CORS lets a page read x-request-id and Retry-After', async () => {
  const response = await rawRequest(server.url, jsonPost({ query: '{ viewer { id } }' }, { origin: 'https://desk.example.org' }));
  expect(response.headers['access-control-expose-headers']?.toString().toLowerCase().split(',')).toEqual(['x-request-id', 'retry-after']);
  expect(response.headers['x-request-id']).toBeTruthy();
});
