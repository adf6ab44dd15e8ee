import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';

/** What body-parser says of a body it could not read, as the `type` of its error. */
const unreadableBody: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON',
  'entity.too.large': 'The request body is larger than 100 KB',
};

/**
 * Errors raised before GraphQL sees the request (a body that is not JSON, or too large) as a
 * GraphQL error in JSON, with BAD_REQUEST as Apollo uses it. Without this, express answers
 * with its own HTML page, which carries the stack trace and file paths unless the process
 * runs with NODE_ENV=production.
 */
export function requestBodyErrors(logger: Logger) {
  return (error: { status?: unknown; type?: unknown }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) {
      logger.error({ err: error }, 'unexpected error before GraphQL');
      res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      return;
    }
    const message = unreadableBody[String(error.type)] ?? 'The request body cannot be read';
    res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  };
}
