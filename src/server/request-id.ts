import { randomUUID } from 'node:crypto';

const safeRequestId = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The request id for an incoming X-Request-Id header: the caller's (a proxy's, a client's) when
 * it is short and plain enough to log and to return as is, else a new UUID.
 */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && safeRequestId.test(header) ? header : randomUUID();
}
