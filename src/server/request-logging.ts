import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { requestIdFrom } from './request-id';

const routes = new Set(['/graphql', '/healthz', '/metrics']);
/** Probes and scrapes come every few seconds: their access lines are debug. */
const quietRoutes = new Set(['/healthz', '/metrics']);

/**
 * Every HTTP request gets a request id (see requestIdFrom), returned in x-request-id, and
 * req.log, a logger that puts it on every line. When the response ends: one access line
 * (method, path, status, duration, the operationName the client sent; never headers, query
 * strings or bodies) and a count in http_requests_total.
 */
export function requestLogging(logger: Logger, metrics: Metrics): RequestHandler[] {
  const accessLog = pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers['x-request-id']);
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : quietRoutes.has(pathOf(req)) ? 'debug' : 'info',
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, { responseTime }) => accessLine(req, res, responseTime),
    customErrorObject: (req, res, error, { responseTime }) => ({ ...accessLine(req, res, responseTime), err: error }),
  });
  const countRequests: RequestHandler = (req, res, next) => {
    const route = routes.has(req.path) ? req.path : 'other'; // read now: a mounted router rewrites req.url meanwhile
    res.once('close', () => metrics.httpRequest(req.method, route, res.statusCode));
    next();
  };
  return [accessLog as RequestHandler, countRequests];
}

function accessLine(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  const body = (req as Request).body as { operationName?: unknown } | undefined;
  const operationName = typeof body?.operationName === 'string' ? body.operationName.slice(0, 100) : undefined;
  return { method: req.method, path: pathOf(req), status: res.statusCode, durationMs, operationName };
}

/** The path without the query string, which may carry a GET request's variables. */
function pathOf(req: IncomingMessage): string {
  return ((req as Request).originalUrl ?? req.url ?? '').split('?')[0];
}
