import { spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createBenchDatabase } from '../lib/database';
import { repoRoot } from '../lib/paths';
import { startProjectServer } from '../lib/project-server';
import type { ResultRow } from '../lib/table';
import type { Scenario } from './scenario';

/** The goal: the desk's first load, every file together, at most 150 KB compressed. */
const goalBytes = 150 * 1024;

interface Fetched {
  path: string;
  encoding: string;
  /** Body bytes on the wire, as sent (compressed when the server compressed it). */
  bytes: number;
  body: string;
}

/**
 * B7: what a reviewer's browser downloads to open the desk the first time: /desk/, the script
 * and stylesheet it names and the service worker it registers, fetched from the real server
 * (production mode) as a browser asks for them, with brotli, with gzip, and with neither. The
 * baseline is the same files uncompressed. Goal: at most 150 KB compressed, all files together.
 */
export const deskFirstLoadScenario: Scenario = {
  id: 'b7',
  title: "The desk's first load: bytes on the wire as served, against the same files uncompressed",
  options: [],
  async run({ db, log }) {
    log('b7: building the desk (scripts/build-desk.mjs)');
    const built = spawnSync(process.execPath, [join(repoRoot(), 'scripts/build-desk.mjs')], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the desk did not build');
    const database = await createBenchDatabase(db);
    const server = await startProjectServer(database.projectEnv);
    try {
      const origin = new URL(server.url).origin;
      const loads: Record<string, Fetched[]> = {};
      for (const encoding of ['br', 'gzip', 'identity']) loads[encoding] = await firstLoad(origin, encoding);
      const total = (files: Fetched[]) => files.reduce((sum, file) => sum + file.bytes, 0);
      const plain = total(loads.identity);
      const rows: ResultRow[] = (['br', 'gzip'] as const).map((encoding) => {
        const bytes = total(loads[encoding]);
        return {
          scenario: 'B7',
          measure: `first load, ${loads[encoding].length} files, Accept-Encoding ${encoding} (sent as ${[...new Set(loads[encoding].map((f) => f.encoding))].join('/')})`,
          project: kb(bytes),
          baseline: `${kb(plain)} uncompressed`,
          ratio: `${(bytes / plain).toFixed(2)}x`,
          goal: `<= ${kb(goalBytes)}`,
          pass: bytes <= goalBytes,
        };
      });
      for (const file of loads.br) {
        const plainFile = loads.identity.find((f) => f.path === file.path)!;
        rows.push({ scenario: 'B7', measure: `  ${file.path} (${file.encoding})`, project: kb(file.bytes), baseline: kb(plainFile.bytes), ratio: `${(file.bytes / plainFile.bytes).toFixed(2)}x`, goal: '—', pass: null });
      }
      return {
        rows,
        notes: [
          'B7 counts response bodies as they cross the wire (HTTP headers excluded); the files are compressed at build time (brotli quality 11, gzip level 9) and served as the request accepts.',
          'B7 is the first visit only: later visits fetch index.html (no-cache) and nothing else, since the assets have hashed names and a year\'s cache lifetime, and the service worker keeps them.',
          'B7 does not time anything: the figures are the same on every machine for the same build.',
        ],
      };
    } finally {
      await server.stop();
      await database.drop();
    }
  },
};

/** /desk/, then every file it names under /desk/assets/, then the service worker. */
async function firstLoad(origin: string, encoding: string): Promise<Fetched[]> {
  const page = await fetchRaw(origin, '/desk/', encoding);
  const named = [...page.body.matchAll(/(?:src|href)="(\/desk\/assets\/[^"]+)"/g)].map((match) => match[1]);
  const rest = await Promise.all([...named, '/desk/sw.js'].map((path) => fetchRaw(origin, path, encoding)));
  return [page, ...rest];
}

function fetchRaw(origin: string, path: string, encoding: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    get(`${origin}${path}`, { headers: { 'accept-encoding': encoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`GET ${path}: HTTP ${response.statusCode}`));
        const body = Buffer.concat(chunks);
        const sent = String(response.headers['content-encoding'] ?? 'identity');
        const text = sent === 'br' ? brotliDecompressSync(body) : sent === 'gzip' ? gunzipSync(body) : body;
        resolve({ path, encoding: sent, bytes: body.length, body: text.toString('utf8') });
      });
      response.on('error', reject);
    }).on('error', reject);
  });
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
