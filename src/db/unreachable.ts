/** How long a client waits before it tries again while the database is out of reach: a restart or failover takes seconds. */
export const databaseRetryAfterSeconds = 5;

// Node's socket errors, and PostgreSQL's: 57P01-57P03 the server shutting down or starting up,
// class 08 the connection failing, 53300 no connection slot left.
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
// What pg and pg-pool say, with no code, when a connection drops or none comes in time.
const unreachableMessages = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout)/;

/**
 * Whether an error means the database is out of reach (refused, dropped, shutting down, no
 * connection from the pool in time), looking through the wrappers of GraphQL, TypeORM
 * (driverError) and Error.cause.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let seen = 0, current = error; typeof current === 'object' && current !== null && seen < 5; seen++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (unreachableCodes.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && unreachableMessages.test(message)) return true;
    const wrapped = current as { originalError?: unknown; driverError?: unknown; cause?: unknown };
    current = wrapped.originalError ?? wrapped.driverError ?? wrapped.cause;
  }
  return false;
}
