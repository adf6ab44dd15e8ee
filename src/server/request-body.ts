import { ApolloServerErrorCode } from '@apollo/server/errors';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../observability/logger';

/** Largest JSON body /graphql reads: the whole contract document is about 7 KB. */
const maxBodyBytes = 100 * 1024;

/** express.json() for /graphql, up to maxBodyBytes. */
export function jsonBody() {
  return express.json({ limit: maxBodyBytes });
}

/**
 * Errors of /graphql outside Apollo (mostly reading the body), as a GraphQL-shaped JSON answer
 * without a stack: 413 for a body over 100 KB, 400 for one that is not JSON, 500 otherwise.
 * Express's default handler would answer with an HTML page and, outside production, the stack.
 */
export function requestBodyErrors(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    const { status, type } = error as { status?: number; type?: string };
    const [code, httpStatus, message] =
      type === 'entity.too.large'
        ? [ApolloServerErrorCode.BAD_REQUEST, 413, `The request body is larger than ${maxBodyBytes / 1024} KB`]
        : type === 'entity.parse.failed'
          ? [ApolloServerErrorCode.BAD_REQUEST, 400, 'The request body is not valid JSON']
          : status && status >= 400 && status < 500
            ? [ApolloServerErrorCode.BAD_REQUEST, status, 'The request body could not be read']
            : [ApolloServerErrorCode.INTERNAL_SERVER_ERROR, 500, 'Internal server error'];
    if (httpStatus === 500) logger.error({ err: error }, 'unexpected error');
    res.status(httpStatus).json({ errors: [{ message, extensions: { code } }] });
  };
}
