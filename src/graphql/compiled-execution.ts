import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode } from '../domain/errors';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { type ExecutionResult, getOperationAST, GraphQLError, type GraphQLSchema, printSchema, type SourceLocation } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { variableErrorLimit } from './errors';

const maxVariableErrors = 50;

/** Operations compiled and kept: the contract has a few dozen; the rest is clients' own. */
const compiledKept = 1000;

/**
 * Runs Apollo's operations with graphql-jit: each document (by Apollo's query hash and
 * operation name) is compiled once to a JavaScript function that executes it, in place of
 * graphql-js's interpreter. Apollo still parses, validates and runs every plugin hook; only
 * the execution changes. Plugged in through Apollo's gateway interface, the one place where
 * Apollo Server takes another executor.
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  const compiled = new LRUCache<string, CompiledQuery | ExecutionResult>({ max: compiledKept });
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return {
        executor: async ({ document, operationName, queryHash, request, context }) => {
          // In gateway mode Apollo leaves an operationName that names no operation to the executor
          // (and then passes operationName null: the client's is in the request).
          if (!getOperationAST(document, request.operationName ?? undefined)) return { errors: [unresolvedOperation(request.operationName)] };
          const key = `${queryHash}:${operationName ?? ''}`;
          let query = compiled.get(key);
          if (!query) compiled.set(key, (query = compileQuery(schema, document, operationName ?? undefined)));
          const result = isCompiledQuery(query) ? await query.query(undefined, context, request.variables ?? {}) : query;
          if (!result.errors) return result;
          // No data at all: the variables were refused before execution.
          return { ...result, errors: result.data === undefined ? variableRefusals(result.errors) : result.errors.map(asGraphQLError) };
        },
      };
    },
    async stop() {},
  };
}

/**
 * graphql-jit's own errors pass instanceof GraphQLError but lack graphql-js's defaults (no
 * extensions unless the cause had some): made again as graphql-js's execution would have, so
 * that formatError and the plugins see one kind.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  if (error.extensions !== undefined) return error;
  const { message, path, originalError, locations } = error as {
    message: string;
    path?: readonly (string | number)[];
    originalError?: Error & { extensions?: Record<string, unknown> };
    locations?: readonly SourceLocation[];
  };
  const real = new GraphQLError(message, { path, originalError, extensions: originalError?.extensions });
  return Object.assign(real, { locations });
}

/**
 * Variables' values refused, as Apollo answers them for graphql-js: BAD_USER_INPUT with HTTP
 * 400, and graphql-js's cap of 50 errors (graphql-jit reports every one).
 */
function variableRefusals(errors: readonly GraphQLError[]): GraphQLError[] {
  const refusal = (message: string, locations?: readonly SourceLocation[]) =>
    Object.assign(new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput, http: { status: 400 } } }), { locations });
  const refused = errors.slice(0, maxVariableErrors).map((error) => refusal(error.message, error.locations));
  return errors.length > maxVariableErrors ? [...refused, refusal(variableErrorLimit)] : refused;
}

/** Apollo's answer when it resolves no operation itself: OPERATION_RESOLUTION_FAILURE, HTTP 400. */
function unresolvedOperation(operationName: string | null | undefined): GraphQLError {
  const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } });
}
