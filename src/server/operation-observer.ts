import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from '../services/request-context';
import { reportUnexpectedErrors, withRequestId } from './operation-output';
import { operationLabeller, unknownOperation, type Metrics } from '../observability/metrics';

/**
 * GraphQL over HTTP in the metrics (operations, errors by code, durations) and in the logs:
 * an unexpected error is logged with the request id, which its masked answer then carries
 * (Apollo's formatError is not told the request, so the id is added to the response here).
 */
export function operationObserver(metrics: Metrics, schema: GraphQLSchema): ApolloServerPlugin<RequestContext> {
  const labelsOf = operationLabeller(schema);
  return {
    // A bad token (or a failed rate check) is refused before any operation is read.
    async contextCreationDidFail({ error }) {
      metrics.operationReceived('http', unknownOperation);
      metrics.operationFailed('http', unknownOperation, String((error as { extensions?: { code?: unknown } }).extensions?.code ?? ApolloServerErrorCode.INTERNAL_SERVER_ERROR));
    },
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async didEncounterErrors({ errors, operationName, contextValue }) {
          reportUnexpectedErrors(errors, contextValue, operationName);
        },
        async willSendResponse({ operation, response, contextValue }) {
          const labels = labelsOf(operation);
          metrics.operationReceived('http', labels);
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (result?.errors) result.errors = result.errors.map((error) => withRequestId(error, contextValue.requestId));
          const errors = result?.errors;
          for (const error of errors ?? []) metrics.operationFailed('http', labels, String(error.extensions?.code ?? ApolloServerErrorCode.INTERNAL_SERVER_ERROR));
          metrics.operationAnswered('http', labels, (performance.now() - startedAt) / 1000);
        },
      };
    },
  };
}
