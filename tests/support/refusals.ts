import type { GraphQLResponse } from './client';

// What must never reach a client: a stack frame, or the text of an SQL statement or driver error.
const stackTrace = /\n\s+at |\bat .+:\d+:\d+|\.[cm]?[jt]s:\d+|node_modules/;
const sqlText =
  /\b(select\s.+\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from)\b|duplicate key|violates|constraint|relation "|syntax error at or near|QueryFailedError|invalid input syntax/i;

/**
 * Asserts that a call was refused with exactly one error of the contract's `code`, whose
 * message and extensions are safe to show; returns that error.
 */
export function expectRefused(response: GraphQLResponse, code: string) {
  expect(response.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code }) })]);
  expectSafeErrors(response);
  return response.errors![0];
}

/** Asserts that no error of the response carries a stack trace or SQL text. */
export function expectSafeErrors(response: GraphQLResponse): void {
  for (const error of response.errors ?? []) {
    expect(error.message).not.toMatch(stackTrace);
    expect(error.message).not.toMatch(sqlText);
    expect(error.extensions).not.toHaveProperty('stacktrace');
    expect(error.extensions).not.toHaveProperty('exception');
    expect(error.extensions).not.toHaveProperty('http');
    expect(JSON.stringify(error.extensions)).not.toMatch(sqlText);
  }
}
