import { DomainError } from '../../src/domain/errors';

/** The DomainError that `act` throws; fails the test when it returns or throws anything else. */
export function domainErrorOf(act: () => unknown): DomainError {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error('expected a DomainError, but nothing was thrown');
  if (!(thrown instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(thrown)}`);
  return thrown;
}
