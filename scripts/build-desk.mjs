// Builds the reviewers' desk (desk/) into dist/desk: one hashed script and stylesheet under
// assets/, index.html naming them, the service worker listing them, and a brotli and a gzip
// copy of each text file, which the server sends as the browser accepts (src/server/desk.ts).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(import.meta.dirname, '..');
const out = join(root, 'dist/desk');

await rm(out, { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, 'desk/src/main.tsx')],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.graphql': 'text' },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const assets = Object.keys(result.metafile.outputs).map((file) => `/desk/assets/${basename(file)}`);
const script = assets.find((file) => file.endsWith('.js'));
const style = assets.find((file) => file.endsWith('.css'));
const page = (await readFile(join(root, 'desk/index.html'), 'utf8')).replace('{{script}}', script).replace('{{style}}', style);
await writeFile(join(out, 'index.html'), page);

const version = createHash('sha256').update(assets.join('\n')).digest('hex').slice(0, 12);
const worker = `self.DESK_ASSETS = ${JSON.stringify(assets)};\nself.DESK_VERSION = ${JSON.stringify(version)};\n${await readFile(join(root, 'desk/sw.js'), 'utf8')}`;
await writeFile(join(out, 'sw.js'), worker);

// What a browser fetches on its first visit: the page, its script and stylesheet, and the worker (bench B7).
const firstLoad = ['index.html', 'sw.js', ...assets.map((file) => file.replace('/desk/', ''))];
await writeFile(join(out, 'first-load.json'), JSON.stringify(firstLoad, null, 2));

for (const file of firstLoad) {
  const body = await readFile(join(out, file));
  await writeFile(join(out, `${file}.br`), brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  await writeFile(join(out, `${file}.gz`), gzipSync(body, { level: 9 }));
}

