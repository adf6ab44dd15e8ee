import type { CorsOptions } from 'cors';
import type { VerifyClientCallbackAsync } from 'ws';
import type { Config } from '../config/config';

/**
 * CORS for /graphql from CORS_ORIGINS: an allowed origin gets Access-Control-Allow-Origin, any
 * other none. No credentials: tokens travel in the Authorization header, never in cookies.
 * A page may read x-request-id (to quote with a report) and Retry-After (429 and 503).
 */
export function corsOptions(config: Config): CorsOptions {
  return {
    origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
    credentials: false,
    exposedHeaders: ['x-request-id', 'retry-after'],
  };
}

/**
 * Whether a browser on `origin` may use the API; a request without an Origin is not a browser's.
 * The server's own public origin always may: the reviewers' desk is served there (/desk/).
 */
export function originAllowed(config: Config, origin: string | undefined): boolean {
  return origin === undefined || config.corsOrigins === '*' || config.corsOrigins.includes(origin) || origin === new URL(config.publicBaseUrl).origin;
}

/**
 * In production, refuses (403) a WebSocket upgrade from a browser on an origin not allowed:
 * browsers let any page open a socket to any host, so without this check a foreign page could
 * ride a reviewer's session (cross-site WebSocket hijacking). Outside production every origin
 * is accepted.
 */
export function webSocketOriginCheck(config: Config): VerifyClientCallbackAsync | undefined {
  if (!config.production) return undefined;
  return ({ origin }, accept) => (originAllowed(config, origin) ? accept(true) : accept(false, 403, 'Origin not allowed'));
}
