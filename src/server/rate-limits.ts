import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import { collectFields } from '@graphql-tools/utils';
import { getArgumentValues, getVariableValues, GraphQLError, Kind, type DocumentNode, type FieldNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DomainError, ErrorCode } from '../domain/errors';
import type { Attempt } from '../domain/rate-limits';
import { isDatabaseUnreachable } from '../db/unreachable';
import { serviceUnavailable, toGraphQLError } from '../graphql/errors';
import type { RequestContext } from '../services/request-context';
import type { Logger } from '../observability/logger';

// The one rate-limit check, used by both doors: HTTP (rateLimitPlugin) and graphql-ws
// (websocket.ts onSubscribe). It runs after validation and before execution, so a refused
// operation runs no resolver and writes nothing.

/** An operation as both doors know it before execution. */
interface ResolvedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | null | undefined;
}

/**
 * Charges a mutation's attempts to the caller (`ctx.viewer` and `address`); the RATE_LIMITED
 * error to answer with when refused, else undefined. Queries and subscriptions are not counted.
 */
async function checkRateLimits(ctx: RequestContext, address: string, resolved: ResolvedOperation): Promise<GraphQLError | undefined> {
  if (resolved.operation.operation !== 'mutation') return undefined;
  const wait = await ctx.app.rateLimits.charge(attemptsOf(resolved), { reviewerId: ctx.viewer?.id ?? null, address });
  return wait === undefined ? undefined : rateLimited(wait);
}

/** RATE_LIMITED with extensions.retryAfter in whole seconds; over HTTP, status 429 and Retry-After. */
function rateLimited(retryAfter: number): GraphQLError {
  const refusal = toGraphQLError(new DomainError(ErrorCode.RateLimited, `Too many attempts; try again in ${retryAfter} s`));
  return new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, retryAfter } });
}

/**
 * The WebSocket door: the errors to answer an operation with, or undefined to run it. A check
 * that fails is SERVICE_UNAVAILABLE when the database is out of reach, else INTERNAL_SERVER_ERROR for this operation only (a throw would close the socket).
 */
export async function socketRefusal(ctx: RequestContext, resolved: ResolvedOperation, logger: Logger): Promise<GraphQLError[] | undefined> {
  try {
    const refusal = await checkRateLimits(ctx, ctx.clientAddress ?? 'unknown', resolved);
    if (!refusal) return undefined;
    const { http: _status, ...extensions } = refusal.extensions; // no HTTP status on a socket
    return [new GraphQLError(refusal.message, { extensions })];
  } catch (error) {
    if (isDatabaseUnreachable(error)) return [serviceUnavailable()];
    logger.error({ err: error }, 'rate-limit check failed');
    return [new GraphQLError('Internal server error', { extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR } })];
  }
}

/** The HTTP door: checks every operation once it is resolved, before it runs. */
export const rateLimitPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, operation, request, contextValue }) {
        if (!operation) return;
        const refusal = await checkRateLimits(contextValue, contextValue.clientAddress ?? 'unknown', {
          schema,
          document,
          operation,
          variables: request.variables,
        }).catch((error: unknown) => {
          throw isDatabaseUnreachable(error) ? serviceUnavailable() : error;
        });
        if (!refusal) return;
        const http = refusal.extensions.http as { status: number };
        throw new GraphQLError(refusal.message, {
          extensions: { ...refusal.extensions, http: { ...http, headers: new Map([['retry-after', String(refusal.extensions.retryAfter)]]) } },
        });
      },
    };
  },
};

/**
 * One attempt per root field that runs, through fragments, whatever its alias: `a: logIn(...)
 * b: logIn(...)` is two, even though a first failure stops the rest; a field skipped by @skip or
 * @include is none. A logIn's email is read from its arguments. Variables that do not fit the
 * operation run nothing (execution refuses them before any resolver) and are charged nothing.
 */
function attemptsOf({ schema, document, operation, variables }: ResolvedOperation): Attempt[] {
  const mutation = schema.getMutationType();
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).coerced;
  if (!mutation || !coerced) return [];
  const fragments = Object.fromEntries(
    document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  const { fields } = collectFields(schema, fragments, { coerced, sources: {} }, mutation, operation.selectionSet);
  const logIn = mutation.getFields().logIn;
  const emailOf = (field: FieldNode): string | undefined => {
    try {
      const email = (getArgumentValues(logIn, field, coerced).input as { email?: unknown } | undefined)?.email;
      return typeof email === 'string' ? email : undefined;
    } catch {
      return undefined; // arguments that do not fit: the logIn fails before checking any password
    }
  };
  return [...fields.values()]
    .flat()
    .filter((field) => !field.name.value.startsWith('__'))
    .map((field) => (field.name.value === 'logIn' && logIn ? { field: 'logIn', email: emailOf(field) } : { field: field.name.value }));
}
