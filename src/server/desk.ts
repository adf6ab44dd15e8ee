import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import express from 'express';

/** dist/desk, built by scripts/build-desk.mjs, from the compiled server (dist/src/server) or its source (src/server). */
const projectOrDist = resolve(__dirname, '../..');
const deskDirectory = join(basename(projectOrDist) === 'dist' ? projectOrDist : join(projectOrDist, 'dist'), 'desk');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface DeskFile {
  type: string;
  body: Buffer;
  br?: Buffer;
  gz?: Buffer;
}

/** The desk's pages load nothing from elsewhere, and talk only to this origin. */
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Serves the reviewers' desk under /desk/: hashed assets with a year's cache lifetime, and
 * index.html (never cached, so a new build shows at once) for the desk's own paths, which the
 * app routes itself. Each file goes out brotli- or gzip-compressed as the browser accepts.
 */
export function deskRoutes(directory = deskDirectory): express.Router {
  const router = express.Router({ strict: true });
  const files = readDesk(directory);
  const page = files.get('index.html');
  if (!page) {
    router.use('/desk', (_req, res) => void res.status(404).type('text/plain').send('The desk is not built: run npm run build.\n'));
    return router;
  }
  const sendFile = (file: DeskFile, cacheControl: string) => (req: express.Request, res: express.Response) => {
    res.set({ 'Content-Type': file.type, 'Cache-Control': cacheControl, Vary: 'Accept-Encoding', 'Content-Security-Policy': contentSecurityPolicy, 'X-Content-Type-Options': 'nosniff' });
    // Brotli whenever accepted (browsers list gzip first, but all at the same weight): it is the smaller.
    const accepted = !req.headers['accept-encoding'] ? undefined : req.acceptsEncodings('br') ? 'br' : req.acceptsEncodings('gzip') ? 'gzip' : undefined;
    const encoded = accepted === 'br' ? file.br : accepted === 'gzip' ? file.gz : undefined;
    if (accepted && encoded) res.set('Content-Encoding', accepted);
    res.send(encoded ?? file.body);
  };
  const appPage = sendFile(page, 'no-cache');
  router.get('/desk', (_req, res) => res.redirect(301, '/desk/'));
  router.get(['/desk/', '/desk/organization', '/desk/events/:id', '/desk/claims/:id'], appPage);
  const worker = files.get('sw.js');
  if (worker) router.get('/desk/sw.js', sendFile(worker, 'no-cache'));
  router.get('/desk/assets/:name', (req, res, next) => {
    const file = files.get(`assets/${req.params.name}`);
    if (!file) return next();
    sendFile(file, 'public, max-age=31536000, immutable')(req, res);
  });
  return router;
}

function readDesk(directory: string): Map<string, DeskFile> {
  const files = new Map<string, DeskFile>();
  if (!existsSync(join(directory, 'index.html'))) return files;
  const names = ['index.html', 'sw.js', ...readdirSync(join(directory, 'assets')).map((name) => `assets/${name}`)];
  for (const name of names) {
    const type = types[extname(name)];
    if (!type) continue;
    const path = join(directory, name);
    const copy = (suffix: string) => (existsSync(path + suffix) ? readFileSync(path + suffix) : undefined);
    files.set(name, { type, body: readFileSync(path), br: copy('.br'), gz: copy('.gz') });
  }
  return files;
}
