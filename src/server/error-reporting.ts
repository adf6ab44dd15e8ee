import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GraphQLError } from 'graphql';
import { formatError } from '../graphql/errors';
import type { RequestOrigin } from '../services/request-origin';

/** The request id an error was first reported under, so that an error shared by many subscribers is logged in full once. */
const reported = new WeakMap<GraphQLError, string>();

/**
 * For every error that formatError will mask (INTERNAL_SERVER_ERROR): logs it in full with the
 * request id, and stamps that id on the error (extensions.requestId), which formatError keeps,
 * so the client can quote it and an operator can find this log line. Call before masking.
 */
export function reportUnexpectedErrors(errors: readonly GraphQLError[], origin: RequestOrigin, operationName?: string | null): void {
  for (const error of errors) {
    if (formatError(error.toJSON(), error).extensions?.code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR) continue;
    (error.extensions as Record<string, unknown>).requestId = origin.requestId;
    const first = reported.get(error);
    if (first) {
      origin.log.error({ operationName, sameErrorAs: first }, 'unexpected error');
    } else {
      reported.set(error, origin.requestId);
      origin.log.error({ err: error.originalError ?? error, operationName, path: error.path }, 'unexpected error');
    }
  }
}
