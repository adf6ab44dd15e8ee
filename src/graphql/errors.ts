import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { CommitInDoubt } from '../db/transaction';
import { databaseRetryAfterSeconds, isDatabaseUnreachable } from '../db/unreachable';
import { DomainError, ErrorCode } from '../domain/errors';
import { tokenLimitRefusal } from './operation-limits';

/** HTTP status for errors raised before execution (the context's token check). */
function httpStatus(code: ErrorCode): number | undefined {
  switch (code) {
    case ErrorCode.Unauthenticated:
      return 401;
    case ErrorCode.Forbidden:
    case ErrorCode.NotFound:
    case ErrorCode.BadUserInput:
    case ErrorCode.Conflict:
    case ErrorCode.QueryTooComplex:
      return undefined;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.ServiceUnavailable:
      return 503;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(code: never): never {
  throw new Error(`Unmapped error code ${String(code)}`);
}

/** A domain refusal as a GraphQL error with the contract's code, for use outside a resolver. */
export function toGraphQLError(error: DomainError): GraphQLError {
  const status = httpStatus(error.code);
  return new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(status ? { http: { status } } : {}),
    },
  });
}

/**
 * SERVICE_UNAVAILABLE with extensions.retryAfter: over HTTP status 503 and a Retry-After
 * header when raised before execution (serviceUnavailableStatus does it for errors raised
 * while executing). A transaction that failed on the way rolled back: nothing was written.
 */
export function serviceUnavailable(): GraphQLError {
  return new GraphQLError(serviceUnavailableMessage, {
    extensions: {
      code: ErrorCode.ServiceUnavailable,
      retryAfter: databaseRetryAfterSeconds,
      http: { status: httpStatus(ErrorCode.ServiceUnavailable), headers: new Map([['retry-after', String(databaseRetryAfterSeconds)]]) },
    },
  });
}

const serviceUnavailableMessage = `The database cannot be reached right now; nothing was written. Try again in ${databaseRetryAfterSeconds} s`;

/** Codes that Apollo and graphql-js raise themselves, whose messages are safe to show: all of Apollo's but its masked one. */
const apolloCodes = new Set<string>(Object.values(ApolloServerErrorCode).filter((code) => code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR));

// graphql-js stops after 50 bad variable values with this error, which has no variable node for
// Apollo to recognise and so no code: it is still the client's bad input, not a server failure.
export const variableErrorLimit = 'Too many errors processing variables, error limit reached. Execution aborted.';

// Apollo refuses some requests (a persisted query's hash that does not match, an unknown
// persisted query version) with an HTTP 4xx status and a message of its own but no code.
function isCodelessBadRequest(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * The one place where errors become what clients see: the database out of reach is
 * SERVICE_UNAVAILABLE; domain errors keep their message and get their code; Apollo's own
 * request errors pass; anything else is masked as INTERNAL_SERVER_ERROR (saying so when a
 * COMMIT's outcome is in doubt), so no stack, SQL or driver message ever leaves the server. A masked
 * error keeps only a requestId it was raised with (one raised before any operation ran, as
 * http-context's); the transports give the others the id they were logged under.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code === ErrorCode.ServiceUnavailable || isDatabaseUnreachable(error)) {
    return {
      message: serviceUnavailableMessage,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.ServiceUnavailable, retryAfter: databaseRetryAfterSeconds },
    };
  }
  const original = domainErrorOf(formatted, error);
  if (original) {
    // extensions.http only steers Apollo's status for errors raised before execution; never show it.
    const { http: _status, ...extensions } = toGraphQLError(original).extensions;
    return { ...formatted, message: original.message, extensions };
  }
  if (formatted.message === variableErrorLimit) {
    return { message: formatted.message, extensions: { code: ErrorCode.BadUserInput } };
  }
  if (isCodelessBadRequest(error)) {
    return { message: formatted.message, extensions: { code: ApolloServerErrorCode.BAD_REQUEST } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (apolloCodes.has(code) || Object.values(ErrorCode).includes(code as ErrorCode))) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const requestId = formatted.extensions?.requestId;
  const unwrapped = unwrapResolverError(error);
  return {
    // Not SERVICE_UNAVAILABLE: that says nothing was written, and this may have been.
    message: unwrapped instanceof CommitInDoubt ? unwrapped.message : 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR, ...(typeof requestId === 'string' ? { requestId } : {}) },
  };
}

/** The domain refusal behind an error: a resolver's, or one raised before execution (operation limits). */
function domainErrorOf(formatted: GraphQLFormattedError, error: unknown): DomainError | undefined {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original;
  const cause = original instanceof GraphQLError ? original.originalError : undefined;
  if (cause instanceof DomainError) return cause;
  return formatted.extensions?.code === ApolloServerErrorCode.GRAPHQL_PARSE_FAILED ? tokenLimitRefusal(formatted.message) : undefined;
}
