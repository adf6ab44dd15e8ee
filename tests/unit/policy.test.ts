import { ErrorCode } from '../../src/domain/errors';
import { applyPolicyChange, DEFAULT_POLICY, samePolicy, type ConsensusPolicy } from '../../src/domain/policy';
import { domainErrorOf } from './domain-error';

const base: ConsensusPolicy = { quorum: 5, threshold: 0.8, minOrganizations: 2 };

describe('DEFAULT_POLICY', () => {
  test('is quorum 3, threshold 0.66, one organisation', () => {
    expect(DEFAULT_POLICY).toEqual({ quorum: 3, threshold: 0.66, minOrganizations: 1 });
  });

  test('lets two of three carry it', () => {
    expect(2 / 3).toBeGreaterThanOrEqual(DEFAULT_POLICY.threshold);
    expect(1 / 2).toBeLessThan(DEFAULT_POLICY.threshold);
  });

  test('passes its own validation', () => {
    expect(applyPolicyChange(DEFAULT_POLICY, null)).toEqual(DEFAULT_POLICY);
  });
});

describe('applyPolicyChange: which fields change', () => {
  test.each([null, undefined, {}, { quorum: null, threshold: null, minOrganizations: null }])(
    'no change (%j) keeps the base',
    (change) => {
      expect(applyPolicyChange(base, change)).toEqual(base);
    },
  );

  test.each<{ change: Parameters<typeof applyPolicyChange>[1]; policy: ConsensusPolicy }>([
    { change: { quorum: 7 }, policy: { quorum: 7, threshold: 0.8, minOrganizations: 2 } },
    { change: { threshold: 0.9 }, policy: { quorum: 5, threshold: 0.9, minOrganizations: 2 } },
    { change: { minOrganizations: 3 }, policy: { quorum: 5, threshold: 0.8, minOrganizations: 3 } },
    { change: { quorum: 1, threshold: null, minOrganizations: 1 }, policy: { quorum: 1, threshold: 0.8, minOrganizations: 1 } },
    { change: { quorum: 10, threshold: 1, minOrganizations: 4 }, policy: { quorum: 10, threshold: 1, minOrganizations: 4 } },
  ])('$change replaces only the given fields', ({ change, policy }) => {
    expect(applyPolicyChange(base, change)).toEqual(policy);
  });

  test('does not modify the base', () => {
    const original = { ...base };
    applyPolicyChange(base, { quorum: 9, threshold: 0.7, minOrganizations: 1 });

    expect(base).toEqual(original);
  });
});

describe('applyPolicyChange: validation', () => {
  test.each([1, 2, 999, 1000])('quorum %p is accepted', (quorum) => {
    expect(applyPolicyChange(base, { quorum }).quorum).toBe(quorum);
  });

  test.each([0, -1, 1001, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('quorum %p is refused', (quorum) => {
    const error = domainErrorOf(() => applyPolicyChange(base, { quorum }));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('policy.quorum');
  });

  test.each([0.500001, 0.51, 0.66, 0.99, 1])('threshold %p is accepted', (threshold) => {
    expect(applyPolicyChange(base, { threshold }).threshold).toBe(threshold);
  });

  test.each([0.5, 0.49, 0, -0.7, 1.0001, 2, Number.NaN, Number.POSITIVE_INFINITY])('threshold %p is refused', (threshold) => {
    const error = domainErrorOf(() => applyPolicyChange(base, { threshold }));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('policy.threshold');
  });

  test.each([1, 2, 50])('minOrganizations %p is accepted', (minOrganizations) => {
    expect(applyPolicyChange(base, { minOrganizations }).minOrganizations).toBe(minOrganizations);
  });

  test.each([0, -1, 1.5, Number.NaN])('minOrganizations %p is refused', (minOrganizations) => {
    const error = domainErrorOf(() => applyPolicyChange(base, { minOrganizations }));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('policy.minOrganizations');
  });

  test('the error message says what is allowed', () => {
    expect(domainErrorOf(() => applyPolicyChange(base, { quorum: 0 })).message).toMatch(/1 to 1000/);
    expect(domainErrorOf(() => applyPolicyChange(base, { threshold: 0.5 })).message).toMatch(/above 0\.5 and at most 1/);
    expect(domainErrorOf(() => applyPolicyChange(base, { minOrganizations: 0 })).message).toMatch(/at least 1/);
  });
});

describe('samePolicy', () => {
  test('equal fields in different objects are the same policy', () => {
    expect(samePolicy(base, { ...base })).toBe(true);
  });

  test.each<Partial<ConsensusPolicy>>([{ quorum: 6 }, { threshold: 0.81 }, { minOrganizations: 1 }])(
    'a different %j is not the same policy',
    (difference) => {
      expect(samePolicy(base, { ...base, ...difference })).toBe(false);
      expect(samePolicy({ ...base, ...difference }, base)).toBe(false);
    },
  );

  test('a change that sets the same values gives the same policy', () => {
    expect(samePolicy(base, applyPolicyChange(base, { quorum: 5, threshold: 0.8 }))).toBe(true);
  });
});
