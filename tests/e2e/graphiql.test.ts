import { startTestServer, TestServer } from '../support/test-server';

const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** The script and stylesheet URLs a page loads. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((match) => match[1]);
}

describe('GraphiQL in development', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'development' });
  });
  afterAll(() => server?.stop());

  test('a browser at /graphql gets GraphiQL, every file of it from this origin, the bundle cached for a year', async () => {
    const page = await fetch(server.url, { headers: { accept: browserAccept } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<div id="graphiql">');
    expect(html).not.toMatch(/https?:\/\//);
    const assets = assetsOf(html);
    expect(assets.map((asset) => asset.replace(/-[A-Z0-9]{8}\./, '-HASH.'))).toEqual(['/graphiql/graphiql-HASH.css', '/graphiql/graphiql-HASH.js']);
    for (const asset of assets) {
      const file = await fetch(new URL(asset, server.url));
      expect(file.status).toBe(200);
      expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const body = await file.text();
      // No script or stylesheet fetched from elsewhere (links in GraphiQL's help texts are no loads).
      expect(body).not.toMatch(/(unpkg\.com|jsdelivr\.net|cdnjs|embeddable-sandbox|apollographql\.com|fonts\.googleapis)/);
    }
  });

  test('API clients on /graphql still get GraphQL', async () => {
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const post = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('no explorer in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(() => server?.stop());

  test('a browser at /graphql gets no page, and the bundle is not served', async () => {
    const page = await fetch(server.url, { headers: { accept: browserAccept } });
    expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    const body = await page.text();
    expect(body).not.toMatch(/<html|graphiql|sandbox/i);
    const development = await startTestServer({ NODE_ENV: 'development' });
    try {
      const html = await (await fetch(development.url, { headers: { accept: browserAccept } })).text();
      for (const asset of assetsOf(html)) expect((await fetch(new URL(asset, server.url))).status).toBe(404);
    } finally {
      await development.stop();
    }
  });
});
