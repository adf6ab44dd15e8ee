import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { deskRoutes } from '../../src/server/desk';
import { startTestServer, TestServer } from '../support/test-server';

// The desk's files as the server sends them (built by npm run build, which the test run does first).
let server: TestServer;
let origin: string;

beforeAll(async () => {
  server = await startTestServer();
  origin = new URL(server.url).origin;
});
afterAll(() => server?.stop());

/** A raw GET, so that the body is seen as sent (fetch would decompress it). */
function get(path: string, encoding = 'identity'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${origin}${path}`, { headers: { 'accept-encoding': encoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

test('serves the app page, never cached, for the desk and each of its own paths', async () => {
  for (const path of ['/desk/', '/desk/events/RXZlbnQ6MQ', '/desk/claims/Q2xhaW06MQ', '/desk/organization']) {
    const page = await get(path);
    expect({ path, status: page.status, cache: page.headers['cache-control'], type: page.headers['content-type'] }).toEqual({
      path,
      status: 200,
      cache: 'no-cache',
      type: 'text/html; charset=utf-8',
    });
    expect(page.body.toString()).toContain('<div id="desk"></div>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  }
  expect((await get('/desk')).headers.location).toBe('/desk/');
  expect((await get('/desk/nothing/here/at/all')).status).toBe(404);
});

test('serves hashed assets for a year, brotli or gzip as accepted, and nothing under a name it did not build', async () => {
  const page = (await get('/desk/')).body.toString();
  const assets = [...page.matchAll(/(?:src|href)="(\/desk\/assets\/[^"]+)"/g)].map((match) => match[1]);
  expect(assets).toEqual([expect.stringMatching(/^\/desk\/assets\/main-[A-Z0-9]{8}\.css$/), expect.stringMatching(/^\/desk\/assets\/main-[A-Z0-9]{8}\.js$/)]);
  for (const asset of assets) {
    const plain = await get(asset);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await get(asset, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body)).toEqual(plain.body);
    const gzip = await get(asset, 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body)).toEqual(plain.body);
  }
  expect((await get('/desk/assets/main-AAAAAAAA.js')).status).toBe(404);
  const worker = await get('/desk/sw.js');
  expect({ status: worker.status, cache: worker.headers['cache-control'] }).toEqual({ status: 200, cache: 'no-cache' });
  expect(worker.body.toString()).toContain(JSON.stringify(assets[1]));
});

test('an unbuilt desk answers 404 under /desk only, and leaves every other path to the routes after it', async () => {
  const unbuilt = await mkdtemp(join(tmpdir(), 'no-desk-'));
  const web = express();
  web.use(deskRoutes(unbuilt));
  web.use('/graphql', (_req, res) => void res.json({ reached: 'graphql' }));
  const other = createServer(web);
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const graphql = await fetch(`${base}/graphql`, { method: 'POST' });
    expect({ status: graphql.status, body: await graphql.json() }).toEqual({ status: 200, body: { reached: 'graphql' } });
    for (const path of ['/desk', '/desk/', '/desk/assets/main.js']) {
      const desk = await fetch(`${base}${path}`, { redirect: 'manual' });
      expect({ path, status: desk.status, body: await desk.text() }).toEqual({ path, status: 404, body: 'The desk is not built: run npm run build.\n' });
    }
  } finally {
    await new Promise((resolve) => other.close(resolve));
    await rm(unbuilt, { recursive: true });
  }
});
