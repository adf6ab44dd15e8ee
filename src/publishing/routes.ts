import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import fresh from 'fresh';
import { databaseRetryAfterSeconds, isDatabaseUnreachable } from '../db/unreachable';
import type { AppServices } from '../services/app-services';
import { createRequestContext, type RequestContext } from '../services/request-context';
import type { RequestOrigin } from '../services/request-origin';
import { readClaimPage, readClaimPageEntries } from './claim-pages';
import { readEventPage, readPublishingEvents } from './event-pages';
import { claimPage } from './templates/claim-page';
import { eventPage } from './templates/event-page';
import { atomFeed, sitemap } from './templates/feeds';
import { frontPage } from './templates/front-page';
import { correctionsPage, notFoundPage, ratingScalePage } from './templates/info-pages';
import { siteOf } from './templates/site';
import { stylesheetPath, stylesheetText } from './templates/stylesheet';

/**
 * No script runs on a public page (the JSON-LD block is data, which CSP does not execute); the
 * one stylesheet comes from this origin; the page cannot be framed, nor post a form anywhere.
 */
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const types = {
  html: 'text/html; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
/** Pages are read fresh within a minute of a change (a reopening must show soon); a conditional GET costs a 304. */
const pageCaching = 'public, max-age=60';

type Rendered = { type: string; body: string; status?: number; caching?: string; retryAfter?: number } | null;

/**
 * The public pages, for anyone, without JavaScript: the claim pages that ClaimReview `url`s
 * name, event pages and their Atom feeds, the front page, the sitemap and two pages that
 * explain the ratings and corrections. Read-only, and never naming a reviewer. `originOf`: the
 * request's id and logger, as the server's request logging made them.
 */
export function publicPages(app: AppServices, originOf: (res: Response) => RequestOrigin): Router {
  const site = siteOf(app.config);
  const pages = Router();
  const serve = (render: (ctx: RequestContext, req: Request) => Promise<Rendered> | Rendered) => async (req: Request, res: Response) => {
    const ctx = createRequestContext(app, null, originOf(res));
    let rendered: Rendered;
    try {
      rendered = (await render(ctx, req)) ?? { type: types.html, body: notFoundPage(site), status: 404, caching: 'no-cache' };
    } catch (error) {
      if (isDatabaseUnreachable(error)) {
        ctx.log.warn({ err: error }, 'public page: database out of reach');
        rendered = { type: types.html, body: unavailablePage, status: 503, caching: 'no-store', retryAfter: databaseRetryAfterSeconds };
      } else {
        ctx.log.error({ err: error }, 'public page failed');
        rendered = { type: types.html, body: errorPage, status: 500, caching: 'no-store' };
      }
    }
    send(req, res, rendered);
  };
  const html = (body: string | null): Rendered => (body === null ? null : { type: types.html, body });

  pages.get('/', serve(async (ctx) => html(frontPage(site, await readPublishingEvents(ctx)))));
  pages.get('/claims/:id', serve(async (ctx, req) => html(optional(await readClaimPage(ctx, param(req)), (page) => claimPage(site, page)))));
  pages.get('/events/:id', serve(async (ctx, req) => html(optional(await readEventPage(ctx, param(req)), (page) => eventPage(site, page)))));
  pages.get(
    '/events/:id/feed.xml',
    serve(async (ctx, req) => optional(await readEventPage(ctx, param(req)), (page) => ({ type: types.atom, body: atomFeed(site, page) }))),
  );
  pages.get('/sitemap.xml', serve(async (ctx) => ({ type: types.xml, body: sitemap(site, await readClaimPageEntries(ctx)) })));
  pages.get('/rating-scale', serve(() => html(ratingScalePage(site))));
  pages.get('/corrections', serve(() => html(correctionsPage(site))));
  pages.get(stylesheetPath, serve(() => ({ type: types.css, body: stylesheetText, caching: 'public, max-age=31536000, immutable' })));
  return pages;
}

function param(req: Request): string {
  return String(req.params.id);
}

function optional<T, R>(found: T | null, render: (found: T) => R): R | null {
  return found === null ? null : render(found);
}

/**
 * Sends with a strong ETag of the body. A GET or HEAD whose If-None-Match holds it gets 304,
 * even with `Cache-Control: no-cache` (which fetch() adds to every conditional request, and
 * Express's own check refuses): asking with a validator is asking to revalidate.
 */
function send(req: Request, res: Response, { type, body, status = 200, caching = pageCaching, retryAfter }: NonNullable<Rendered>): void {
  if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
  res.setHeader('cache-control', caching);
  res.setHeader('content-security-policy', contentSecurityPolicy);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
  if (status === 200) {
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    res.setHeader('etag', etag);
    if (fresh({ 'if-none-match': req.headers['if-none-match'] }, { etag })) {
      res.status(304).end();
      return;
    }
  }
  res.status(status).type(type).send(body);
}

const errorPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title></head>
<body><h1>Something went wrong</h1><p>The page could not be shown just now. Please try again in a moment.</p></body></html>
`;

/** While the database is out of reach (503, with Retry-After): the page will come back by itself. */
const unavailablePage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Back in a moment</title></head>
<body><h1>Back in a moment</h1><p>The verdicts cannot be read just now. This page will work again shortly; please reload it in a few seconds.</p></body></html>
`;
