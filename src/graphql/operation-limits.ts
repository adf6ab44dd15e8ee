import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { OperationLimits } from '../config/config';
import { DomainError, ErrorCode } from '../domain/errors';
import { MAX_PAGE_SIZE } from '../services/pagination';

/**
 * A QUERY_TOO_COMPLEX refusal, raised before execution: HTTP 400, and formatError shows its
 * message (it finds the DomainError behind it, as for a resolver's refusal).
 */
function refusal(message: string): GraphQLError {
  return new GraphQLError(message, {
    originalError: new DomainError(ErrorCode.QueryTooComplex, message),
    extensions: { code: ErrorCode.QueryTooComplex, http: { status: 400 } },
  });
}

/** graphql-js's parse() options for both doors: it stops reading a document at maxTokens tokens. */
export function parseOptions(limits: OperationLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

// graphql-js's words when parse() stops at maxTokens (16.x spells it "more that"); a unit test pins them.
const tokenLimitAbort = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

/** The refusal behind a parse error, when the parse stopped at the token limit. */
export function tokenLimitRefusal(parseErrorMessage: string): DomainError | undefined {
  const match = tokenLimitAbort.exec(parseErrorMessage);
  return match ? new DomainError(ErrorCode.QueryTooComplex, `Token limit of ${match[1]} exceeded.`) : undefined;
}

/**
 * Depth, alias and directive limits as validation rules (graphql-armor's), for Apollo's
 * validationRules and for the WebSocket's validate() alike. Depth counts fields, a fragment's where
 * it is spread; introspection fields do not count toward the depth.
 */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  const reject = {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(refusal(error.message.replace(/^Syntax Error: /, '')))],
  };
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reject },
    maxAliases: { n: limits.maxAliases, ...reject },
    maxDirectives: { n: limits.maxDirectives, ...reject },
    // Tokens: graphql-js's own parse option (parseOptions). Cost: operationCost below, which
    // reads `first` from variables. Suggestions: hidden by the error formatter, for every message.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  });
  return armor.protect().validationRules as ValidationRule[];
}

/**
 * A field costs 1 plus what is selected below it; on a connection (a field with `first`) what is
 * below is paid once per requested item. `first` is read with variables and schema defaults
 * applied; an explicit null counts as the largest page.
 */
const pageCostEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((arg) => arg.name === 'first')) return 1 + childComplexity;
  const first = typeof args.first === 'number' ? Math.max(args.first, 0) : MAX_PAGE_SIZE;
  return 1 + first * childComplexity;
};

/** Fields visited with fragments expanded, past which the cost is not computed (fragment bombs). */
const maxCostedFields = 10_000;

/**
 * The cost of the operation a request runs, with its variables. Undefined when the variables do
 * not fit the operation: execution then refuses them (BAD_USER_INPUT) before any resolver runs.
 * Infinity when the operation has more than 10,000 fields once its fragments are expanded.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  if (getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors) return undefined;
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables: variables ?? {},
      estimators: [pageCostEstimator],
      maxQueryNodes: maxCostedFields,
    });
  } catch {
    return Infinity;
  }
}

/** The refusal of an operation over maxCost, or undefined. */
export function costRefusal(
  limits: OperationLimits,
  ...request: Parameters<typeof operationCost>
): GraphQLError | undefined {
  const cost = operationCost(...request);
  if (cost === undefined || cost <= limits.maxCost) return undefined;
  const found = Number.isFinite(cost) ? `found ${cost}` : `more than ${maxCostedFields} fields`;
  return refusal(`Query cost limit of ${limits.maxCost} exceeded, ${found} (each item a connection's first asks for counts).`);
}

/** Apollo: refuses an operation over maxCost once its variables are known, before it runs. */
export function costLimitPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const refused = costRefusal(limits, schema, document, operationName, request.variables);
          if (refused) throw refused;
        },
      };
    },
  };
}
