/** The contract's error codes that the domain raises; Apollo adds its own for parsing and validation. */
export const ErrorCode = {
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  BadUserInput: 'BAD_USER_INPUT',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  QueryTooComplex: 'QUERY_TOO_COMPLEX',
  /** The database cannot be reached right now; nothing was written; retry after extensions.retryAfter seconds. */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A refusal the client can act on. Its message is safe to show; `field` names the bad input. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError(ErrorCode.NotFound, `${what} not found`);
export const conflict = (message: string) => new DomainError(ErrorCode.Conflict, message);
export const badInput = (message: string, field?: string) =>
  new DomainError(ErrorCode.BadUserInput, message, field);
export const forbidden = (message: string) => new DomainError(ErrorCode.Forbidden, message);
export const unauthenticated = (message: string) => new DomainError(ErrorCode.Unauthenticated, message);
