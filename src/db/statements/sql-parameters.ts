/**
 * Positional parameters of a statement built in parts: `param(value)` adds a value and returns
 * its placeholder ($1, $2, ...). Values never reach the SQL text.
 */
export interface SqlParameters {
  values: unknown[];
  param(value: unknown): string;
}

export function sqlParameters(values: unknown[] = []): SqlParameters {
  const own = [...values];
  return { values: own, param: (value) => `$${own.push(value)}` };
}
