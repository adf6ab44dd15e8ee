import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { RequestHandler } from 'express';

/**
 * CSRF prevention for an API whose credentials are bearer tokens, never cookies. A page on
 * another site can make a browser send a "simple" request without asking first (a form or
 * text/plain POST, a bare GET), but never with an Authorization header: such a request runs
 * as an anonymous client, so it can read only what anyone may read. GETs are served, so that
 * public reads can be cached on the way (Apollo refuses mutations over GET with 405). POSTs
 * must be JSON, which a cross-site page cannot send without a CORS preflight: a mutation
 * never runs from a form on another site, not even anonymously (signUp, logIn).
 */
export function crossSitePostsRefused(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || req.is('application/json')) return next();
    res.status(400).json({
      errors: [
        {
          message: 'A POST that is not JSON could be a Cross-Site Request Forgery: send it with Content-Type: application/json',
          extensions: { code: ApolloServerErrorCode.BAD_REQUEST },
        },
      ],
    });
  };
}
