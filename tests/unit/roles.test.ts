import { Role } from '../../src/generated/schema-types';
import { ErrorCode } from '../../src/domain/errors';
import { requireRole, type Actor } from '../../src/domain/roles';
import { domainErrorOf } from './domain-error';

/** Lowest first, as the roles build on each other. */
const ladder: Role[] = [Role.Observer, Role.Reviewer, Role.Editor, Role.Admin];

const pairs = ladder.flatMap((held, heldRank) => ladder.map((minimum, minimumRank) => ({ held, minimum, allowed: heldRank >= minimumRank })));

describe('requireRole', () => {
  test.each(ladder)('an anonymous request needing %s is UNAUTHENTICATED', (minimum) => {
    const error = domainErrorOf(() => requireRole(null, minimum));

    expect(error.code).toBe(ErrorCode.Unauthenticated);
  });

  test.each(pairs.filter((pair) => pair.allowed))('$held may do what needs $minimum', ({ held, minimum }) => {
    const actor: Actor = { id: 'reviewer-1', role: held };

    expect(requireRole(actor, minimum)).toBe(actor);
  });

  test.each(pairs.filter((pair) => !pair.allowed))('$held may not do what needs $minimum: FORBIDDEN', ({ held, minimum }) => {
    const error = domainErrorOf(() => requireRole({ id: 'reviewer-1', role: held }, minimum));

    expect(error.code).toBe(ErrorCode.Forbidden);
    expect(error.message).toContain(minimum);
  });

  test('the ladder covers every role', () => {
    expect([...ladder].sort()).toEqual(Object.values(Role).sort());
  });
});
