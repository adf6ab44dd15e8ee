import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express from 'express';

/** Where scripts/build-graphiql.mjs puts the bundle: dist/graphiql under the project's root. */
function bundleDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return join(dir, 'dist', 'graphiql');
}

/**
 * The GraphQL explorer, outside production only: GET /graphql from a browser (one that accepts
 * text/html before JSON) gets GraphiQL's page, and /graphiql/ serves its bundle from this
 * origin, under content-hashed names cached for a year. Anything else on /graphql goes on to
 * the API. Without a build (`npm run build`) the page says how to make one.
 */
export function graphiql(): express.Router {
  const dir = bundleDir();
  const router = express.Router();
  // A middleware, not router.get: a GET route would make the router answer OPTIONS /graphql
  // itself (Allow: GET, HEAD), before CORS could answer a browser's preflight.
  router.use('/graphql', (req, res, next) => {
    if (req.method !== 'GET' || req.path !== '/') return next();
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') return next();
    const page = join(dir, 'index.html');
    res.setHeader('cache-control', 'no-cache');
    if (!existsSync(page)) {
      res.status(503).type('text/plain').send('GraphiQL is not built: run `npm run build`.');
      return;
    }
    res.type('html').send(readFileSync(page));
  });
  router.use('/graphiql', express.static(dir, { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  return router;
}
