import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import type { OperationLimits } from '../config/config';
import { DomainError, ErrorCode } from '../domain/errors';

/**
 * A QUERY_TOO_COMPLEX refusal, raised before execution: HTTP 400, and formatError shows its
 * message (it finds the DomainError behind it, as for a resolver's refusal).
 */
export function refusal(message: string): GraphQLError {
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
    // Tokens: graphql-js's own parse option (parseOptions). Cost: operation-cost.ts, which reads
    // `first` from variables too. Suggestions: hidden by the error formatter, for every message.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  });
  return armor.protect().validationRules as ValidationRule[];
}
