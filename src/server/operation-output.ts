import { ApolloServerErrorCode } from '@apollo/server/errors';
import { getOperationAST, type ExecutionArgs, type GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { formatError } from '../graphql/errors';
import { clientErrorFormatter } from '../graphql/suggestions';
import type { Member, ResultOutput } from '../live/group';
import type { SocketSink } from '../live/socket-sink';
import { operationLabeller, type Metrics, type OperationLabels } from '../observability/metrics';
import type { RequestOrigin } from '../services/request-origin';

/** The request id an error was first reported under, so that an error shared by many subscribers is logged in full once. */
const reported = new WeakMap<GraphQLError, string>();

/**
 * For every error that formatError will mask (INTERNAL_SERVER_ERROR): logs it in full with the
 * request id, which the masked error then carries (see {@link withRequestId}), so the client
 * can quote it and an operator can find this log line.
 */
export function reportUnexpectedErrors(errors: readonly GraphQLError[], origin: RequestOrigin, operationName?: string | null): void {
  for (const error of errors) {
    if (formatError(error.toJSON(), error).extensions?.code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR) continue;
    const first = reported.get(error);
    if (first) {
      origin.log.error({ operationName, sameErrorAs: first }, 'unexpected error');
    } else {
      reported.set(error, origin.requestId);
      origin.log.error({ err: error.originalError ?? error, operationName, path: error.path }, 'unexpected error');
    }
  }
}

/** A masked error (INTERNAL_SERVER_ERROR) with the id of the request it was logged under; any other as it is. */
export function withRequestId(shown: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  const extensions = shown.extensions;
  if (extensions?.code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR || extensions.requestId !== undefined) return shown;
  return { ...shown, extensions: { ...extensions, requestId } };
}

/**
 * What clients are sent of operations' results over WebSocket, made once per server: the hooks
 * around graphql-ws (live-observer.ts) and the live groups use it alike, so errors are
 * reported, masked and counted one way, whoever writes the message.
 */
export class OperationOutput implements ResultOutput {
  private readonly format: typeof formatError;
  private readonly labelsOf: ReturnType<typeof operationLabeller>;

  constructor(
    private readonly metrics: Metrics,
    schema: GraphQLSchema,
    production: boolean,
    private readonly sink: SocketSink,
  ) {
    this.format = clientErrorFormatter(production);
    this.labelsOf = operationLabeller(schema);
  }

  shown(errors: readonly GraphQLError[], origin: RequestOrigin, operationName?: string | null): GraphQLFormattedError[] {
    reportUnexpectedErrors(errors, origin, operationName);
    return errors.map((error) => withRequestId(this.format(error.toJSON(), error), origin.requestId));
  }

  /** Counts the errors one client is sent in a result of the operation labelled `labels`, by code. */
  counted(errors: readonly GraphQLFormattedError[] | undefined, labels: OperationLabels): void {
    for (const error of errors ?? []) this.metrics.operationFailed('ws', labels, String(error.extensions?.code ?? ApolloServerErrorCode.INTERNAL_SERVER_ERROR));
  }

  /** The labels of an operation in the metrics. */
  labels(operation: Pick<ExecutionArgs, 'document' | 'operationName'>): OperationLabels {
    return this.labelsOf(getOperationAST(operation.document, operation.operationName));
  }

  next(member: Member, payload: string, errors: readonly GraphQLFormattedError[] | undefined, operation: ExecutionArgs): Promise<void> | undefined {
    if (errors) this.counted(errors, this.labels(operation));
    this.metrics.liveMessageSent();
    return this.sink.send(member.socket, `{"id":${JSON.stringify(member.operationId)},"type":"next","payload":${payload}}`);
  }
}
