import { Role } from '../../src/generated/schema-types';
import { ErrorCode } from '../../src/domain/errors';
import {
  assertInvitableRole,
  countsTowardVerdict,
  invitationCodeHash,
  invitationExpiry,
  invitationRedeemable,
  newInvitationCode,
  requireStanding,
  roleAfterApproval,
  roleAfterJoining,
} from '../../src/domain/trust';
import { domainErrorOf } from './domain-error';

/** Lowest first, as the roles build on each other. */
const ladder: Role[] = [Role.Observer, Role.Reviewer, Role.Editor, Role.Admin];

const HOUR = 3_600_000;

describe('countsTowardVerdict', () => {
  test.each<{ role: Role; suspended: boolean; counts: boolean }>([
    { role: Role.Observer, suspended: false, counts: false },
    { role: Role.Observer, suspended: true, counts: false },
    { role: Role.Reviewer, suspended: false, counts: true },
    { role: Role.Reviewer, suspended: true, counts: false },
    { role: Role.Editor, suspended: false, counts: true },
    { role: Role.Editor, suspended: true, counts: false },
    { role: Role.Admin, suspended: false, counts: true },
    { role: Role.Admin, suspended: true, counts: false },
  ])('$role, suspended $suspended: $counts', ({ role, suspended, counts }) => {
    expect(countsTowardVerdict({ role, suspended })).toBe(counts);
  });
});

describe('requireStanding', () => {
  const pairs = ladder.flatMap((held, heldRank) => ladder.map((minimum, minimumRank) => ({ held, minimum, allowed: heldRank >= minimumRank })));

  test.each(ladder)('an anonymous request needing %s is UNAUTHENTICATED', (minimum) => {
    expect(domainErrorOf(() => requireStanding(null, minimum)).code).toBe(ErrorCode.Unauthenticated);
  });

  test.each(pairs.filter((pair) => pair.allowed))('$held in good standing may do what needs $minimum', ({ held, minimum }) => {
    const actor = { id: 'reviewer-1', role: held, suspended: false };

    expect(requireStanding(actor, minimum)).toBe(actor);
  });

  test.each(pairs.filter((pair) => !pair.allowed))('$held may not do what needs $minimum: FORBIDDEN', ({ held, minimum }) => {
    const error = domainErrorOf(() => requireStanding({ id: 'reviewer-1', role: held, suspended: false }, minimum));

    expect(error.code).toBe(ErrorCode.Forbidden);
    expect(error.message).toContain(minimum);
  });

  test.each(pairs.filter((pair) => pair.allowed))('$held, suspended, may not do what needs $minimum: FORBIDDEN', ({ held, minimum }) => {
    const error = domainErrorOf(() => requireStanding({ id: 'reviewer-1', role: held, suspended: true }, minimum));

    expect(error.code).toBe(ErrorCode.Forbidden);
    expect(error.message).toMatch(/suspended/i);
  });
});

describe('assertInvitableRole', () => {
  test.each([true, false])('nobody is invited as ADMIN (inviter is ADMIN: %s): BAD_USER_INPUT on role', (inviterIsAdmin) => {
    const error = domainErrorOf(() => assertInvitableRole(Role.Admin, inviterIsAdmin));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('role');
  });

  test('an ADMIN may invite an EDITOR', () => {
    expect(() => assertInvitableRole(Role.Editor, true)).not.toThrow();
  });

  test('an organisation admin who is not an ADMIN may not invite an EDITOR: FORBIDDEN', () => {
    expect(domainErrorOf(() => assertInvitableRole(Role.Editor, false)).code).toBe(ErrorCode.Forbidden);
  });

  test.each([
    [Role.Reviewer, true],
    [Role.Reviewer, false],
    [Role.Observer, true],
    [Role.Observer, false],
  ])('%s may be invited (inviter is ADMIN: %s)', (role, inviterIsAdmin) => {
    expect(() => assertInvitableRole(role, inviterIsAdmin)).not.toThrow();
  });
});

describe('roleAfterJoining', () => {
  const pairs = ladder.flatMap((current, currentRank) => ladder.map((invited, invitedRank) => ({ current, invited, after: ladder[Math.max(currentRank, invitedRank)] })));

  test.each(pairs)('$current invited as $invited becomes $after', ({ current, invited, after }) => {
    expect(roleAfterJoining(current, invited)).toBe(after);
  });
});

describe('roleAfterApproval', () => {
  test.each<[Role, Role]>([
    [Role.Observer, Role.Reviewer],
    [Role.Reviewer, Role.Reviewer],
    [Role.Editor, Role.Editor],
    [Role.Admin, Role.Admin],
  ])('%s becomes %s', (current, after) => {
    expect(roleAfterApproval(current)).toBe(after);
  });
});

describe('invitationExpiry', () => {
  const now = new Date('2025-03-01T12:00:00.000Z');

  test.each([null, undefined])('%s hours is the default of 72', (hours) => {
    expect(invitationExpiry(now, hours)).toEqual(new Date('2025-03-04T12:00:00.000Z'));
  });

  test.each([1, 24, 720])('%i hours from now', (hours) => {
    expect(invitationExpiry(now, hours).getTime() - now.getTime()).toBe(hours * HOUR);
  });

  test('the 720-hour bound is 30 days', () => {
    expect(invitationExpiry(now, 720)).toEqual(new Date('2025-03-31T12:00:00.000Z'));
  });

  test.each([0, 721, 1.5, -1, -72, Number.NaN, Number.POSITIVE_INFINITY])('%p hours is BAD_USER_INPUT on expiresInHours', (hours) => {
    const error = domainErrorOf(() => invitationExpiry(now, hours));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('expiresInHours');
  });

  test('does not modify now', () => {
    const at = new Date(now);
    invitationExpiry(at, 5);

    expect(at).toEqual(now);
  });
});

describe('newInvitationCode', () => {
  test('has at least 128 bits: 43 or more base64url characters', () => {
    const code = newInvitationCode();

    expect(code.length).toBeGreaterThanOrEqual(43);
    expect(Buffer.from(code, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  test('is URL-safe: only base64url characters, no padding', () => {
    for (let i = 0; i < 50; i++) expect(newInvitationCode()).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('two codes differ', () => {
    const codes = new Set(Array.from({ length: 100 }, () => newInvitationCode()));

    expect(codes.size).toBe(100);
  });
});

describe('invitationCodeHash', () => {
  const code = newInvitationCode();

  test('is 64 lowercase hex characters (SHA-256)', () => {
    expect(invitationCodeHash(code)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('is the SHA-256 of the code', () => {
    // printf 'abc' | sha256sum
    expect(invitationCodeHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('is the same for the same code', () => {
    expect(invitationCodeHash(code)).toBe(invitationCodeHash(`${code}`));
  });

  test('differs for different codes', () => {
    expect(invitationCodeHash(code)).not.toBe(invitationCodeHash(newInvitationCode()));
    expect(invitationCodeHash('abc')).not.toBe(invitationCodeHash('abd'));
  });

  test('does not contain the code', () => {
    expect(invitationCodeHash(code)).not.toContain(code);
    expect(invitationCodeHash('abc')).not.toContain('abc');
  });

  test('ignores surrounding whitespace, as a pasted code carries', () => {
    expect(invitationCodeHash(`  ${code}\n`)).toBe(invitationCodeHash(code));
    expect(invitationCodeHash(`\t${code} `)).toBe(invitationCodeHash(code));
  });

  test('does not ignore case: base64url is case-sensitive', () => {
    expect(invitationCodeHash('AbC')).not.toBe(invitationCodeHash('abc'));
  });
});

describe('invitationRedeemable', () => {
  const now = new Date('2025-03-01T12:00:00.000Z');
  const invitation = (change: Partial<{ email: string; usedAt: Date | null; expiresAt: Date }> = {}) => ({
    email: 'ada@example.org',
    usedAt: null,
    expiresAt: new Date(now.getTime() + 72 * HOUR),
    ...change,
  });

  test('a fresh invitation for the same email may be redeemed', () => {
    expect(invitationRedeemable(invitation(), 'ada@example.org', now)).toBe(true);
  });

  test('a used invitation may not', () => {
    expect(invitationRedeemable(invitation({ usedAt: new Date(now.getTime() - HOUR) }), 'ada@example.org', now)).toBe(false);
  });

  test('an expired invitation may not', () => {
    expect(invitationRedeemable(invitation({ expiresAt: new Date(now.getTime() - 1) }), 'ada@example.org', now)).toBe(false);
  });

  test('exactly at expiresAt it has expired', () => {
    expect(invitationRedeemable(invitation({ expiresAt: now }), 'ada@example.org', now)).toBe(false);
  });

  test('a millisecond before expiresAt it may still be redeemed', () => {
    expect(invitationRedeemable(invitation({ expiresAt: new Date(now.getTime() + 1) }), 'ada@example.org', now)).toBe(true);
  });

  test.each(['grace@example.org', 'ada@example.com', 'ada.lovelace@example.org', ''])('another email (%j) may not', (email) => {
    expect(invitationRedeemable(invitation(), email, now)).toBe(false);
  });

  test.each(['Ada@Example.org', 'ADA@EXAMPLE.ORG', '  ada@example.org ', '\tAda@example.org\n'])('the same email in another case or with spaces (%j) may', (email) => {
    expect(invitationRedeemable(invitation(), email, now)).toBe(true);
  });

  test('an invitation stored in another case matches too', () => {
    expect(invitationRedeemable(invitation({ email: 'Ada@Example.ORG' }), 'ada@example.org', now)).toBe(true);
  });
});
