import type { GraphQLFormattedError } from 'graphql';
import { formatError } from './errors';

// graphql-js ends a message with its hint: ' Did you mean "title"?', ' Did you mean the enum value "FALSE"?',
// ' Did you mean to use an inline fragment on "Claim"?'. graphql-armor's own mask misses the last two.
const suggestion = /\s*Did you mean\b[\s\S]*$/;

/** A message without graphql-js's "Did you mean ...?" hint. */
export function withoutSuggestion(message: string): string {
  return message.replace(suggestion, '');
}

/**
 * How errors are shown to clients, over HTTP and WebSocket: formatError, and in production
 * without "Did you mean ...?" hints, which would spell out the schema that introspection hides.
 */
export function clientErrorFormatter(production: boolean): typeof formatError {
  if (!production) return formatError;
  return (formatted: GraphQLFormattedError, error: unknown) => {
    const shown = formatError(formatted, error);
    return { ...shown, message: withoutSuggestion(shown.message) };
  };
}
