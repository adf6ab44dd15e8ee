import { loadConfig } from '../../src/config/config';
import { DomainError } from '../../src/domain/errors';
import { createTokenIssuer } from '../../src/services/tokens';

const ttlSeconds = 60;
/** The issuer's clock, which each test moves: milliseconds since the epoch. */
let clockMs: number;
beforeEach(() => (clockMs = Date.parse('2026-11-25T03:00:00Z')));
const issuerWith = (secret: string) => createTokenIssuer(loadConfig({ JWT_SECRET: secret, TOKEN_TTL: String(ttlSeconds) }), () => clockMs);
const secret = 'a test secret that is long enough for HS256 signing';

/** The DomainError that `verify` rejects with; fails the test when it resolves. */
async function refusal(verify: Promise<string>): Promise<DomainError> {
  const outcome = await verify.then(
    (subject) => new Error(`expected a refusal, got subject ${subject}`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof DomainError)) throw outcome;
  return outcome;
}

describe('the token issuer', () => {
  test('a token names its reviewer, on first and on repeated checks', async () => {
    const tokens = issuerWith(secret);
    const token = await tokens.issue('reviewer-1');
    await expect(tokens.verify(token)).resolves.toBe('reviewer-1');
    await expect(tokens.verify(token)).resolves.toBe('reviewer-1');
  });

  test('a token is refused as expired once its lifetime is over, whether it was checked before or not', async () => {
    const tokens = issuerWith(secret);
    const checked = await tokens.issue('reviewer-1');
    const unchecked = await tokens.issue('reviewer-2');
    await expect(tokens.verify(checked)).resolves.toBe('reviewer-1');

    clockMs += ttlSeconds * 1000 - 1;
    await expect(tokens.verify(checked)).resolves.toBe('reviewer-1');

    clockMs += 1;
    for (const token of [checked, unchecked]) {
      const error = await refusal(tokens.verify(token));
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.message).toMatch(/expired/);
    }
  });

  test('a checked token changed in any part, or signed with another secret, is refused', async () => {
    const tokens = issuerWith(secret);
    const token = await tokens.issue('reviewer-1');
    await expect(tokens.verify(token)).resolves.toBe('reviewer-1');

    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'reviewer-2' })).toString('base64url');
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    const foreign = await issuerWith(`${secret} of another deployment`).issue('reviewer-1');
    for (const bad of [`${header}.${forgedPayload}.${signature}`, `${header}.${payload}.${flipped}`, foreign, `${token}x`]) {
      const error = await refusal(tokens.verify(bad));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid token' });
    }
  });
});
