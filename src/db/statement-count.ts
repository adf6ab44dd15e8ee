import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts the SQL statements that one request sends, wherever in its async work they are
 * sent (resolvers, DataLoader batches, transactions): the TypeORM logger calls countStatement.
 */
const counter = new AsyncLocalStorage<{ statements: number }>();

/** Runs work, and everything it starts, with a statement counter of its own. */
export function withStatementCount<T>(work: () => T): T {
  return counter.run({ statements: 0 }, work);
}

/** Statements sent so far by the current request; undefined outside withStatementCount. */
export function currentStatementCount(): number | undefined {
  return counter.getStore()?.statements;
}

export function countStatement(): void {
  const tally = counter.getStore();
  if (tally) tally.statements++;
}
