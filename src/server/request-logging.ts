import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { requestIdFrom } from './request-id';
import { newOrigin, type RequestOrigin } from '../services/request-origin';

const routes = new Set(['/graphql', '/healthz', '/metrics']);
/** Probes and scrapes come every few seconds: their access lines are debug. */
const quietRoutes = new Set(['/healthz', '/metrics']);

/**
 * Every HTTP request gets a request id (see requestIdFrom), returned in x-request-id, and an
 * origin (originOf) whose logger puts it on every line. When the response ends: one access
 * line (method, path, status, duration, the operationName the client sent; never headers,
 * query strings or bodies) and a count in http_requests_total. The request's child logger is
 * made only when a line is written.
 */
export function requestLogging(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const origin = newOrigin(logger, requestIdFrom(req.headers['x-request-id']));
    res.setHeader('x-request-id', origin.requestId);
    res.locals.origin = origin;
    const path = pathOf(req); // read now: a mounted router rewrites req.url meanwhile
    res.once('close', () => {
      metrics.httpRequest(req.method, routes.has(path) ? path : 'other', res.statusCode);
      const failed = res.statusCode >= 500;
      const level = failed ? 'error' : quietRoutes.has(path) ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line = { ...accessLine(req, res, path), durationMs: Math.round(performance.now() - started) };
      if (!res.writableFinished) origin.log[level]({ ...line, aborted: true }, 'request aborted');
      else origin.log[level](line, failed ? 'request failed' : 'request');
    });
    next();
  };
}

/** The request's id and logger, as requestLogging made them. */
export function originOf(res: Response): RequestOrigin {
  return res.locals.origin as RequestOrigin;
}

function accessLine(req: Request, res: Response, path: string) {
  const body = req.body as { operationName?: unknown } | undefined;
  const operationName = typeof body?.operationName === 'string' ? body.operationName.slice(0, 100) : undefined;
  return { method: req.method, path, status: res.statusCode, operationName };
}

/** The path without the query string, which may carry a GET request's variables. */
function pathOf(req: Request): string {
  return (req.originalUrl ?? req.url ?? '').split('?')[0];
}
