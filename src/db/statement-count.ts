import { AsyncLocalStorage } from 'node:async_hooks';

const counter = new AsyncLocalStorage<{ statements: number }>();

/** Runs work with a statement counter of its own and returns how many SQL statements it sent. */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const tally = { statements: 0 };
  const result = await counter.run(tally, work);
  return { result, statements: tally.statements };
}

/** Binds a counter to the current async context, for work whose end is observed elsewhere. */
export function enterStatementCount(): { statements: number } {
  const tally = { statements: 0 };
  counter.enterWith(tally);
  return tally;
}

export function countStatement(): void {
  const tally = counter.getStore();
  if (tally) tally.statements++;
}
