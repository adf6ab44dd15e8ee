import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config/config';
import { unauthenticated } from '../domain/errors';

/** Signs and checks the bearer tokens (HS256 JWTs) that name a reviewer. */
export interface TokenIssuer {
  issue(reviewerId: string): Promise<string>;
  /** The reviewer id in a valid token; UNAUTHENTICATED for a bad or expired one. */
  verify(token: string): Promise<string>;
}

const issuer = 'verification-backend';
/** How many verified tokens are remembered (about 300 bytes each). */
const verifiedTokensKept = 10_000;

interface VerifiedToken {
  subject: string;
  expiresAtMs: number;
}

/** The reviewer id of a verified token still valid at `nowMs`, as jose checks `exp`. */
function subjectUntil(token: VerifiedToken, nowMs: number): string {
  if (nowMs >= token.expiresAtMs) throw expired();
  return token.subject;
}

const expired = () => unauthenticated('The token has expired; sign in again');

/**
 * Tokens signed with the deployment's secret, valid for `config.tokenTtlSeconds`. `now` is the
 * clock their lifetimes are measured on, in milliseconds since the epoch (default `Date.now`).
 */
export function createTokenIssuer(config: Config, now: () => number = Date.now): TokenIssuer {
  // The signing key, imported into Web Crypto once for every sign and verify.
  const key = crypto.subtle.importKey('raw', new TextEncoder().encode(signingSecret(config)), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  // Tokens whose signature was checked, by their whole text: only the exact bytes that were
  // checked hit; expiry is still checked on every use.
  const verified = new LRUCache<string, VerifiedToken>({ max: verifiedTokensKept });
  return {
    async issue(reviewerId) {
      const issuedAt = Math.floor(now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(reviewerId)
        .setIssuer(issuer)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + config.tokenTtlSeconds)
        .sign(await key);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) return subjectUntil(known, now());
      try {
        const { payload } = await jwtVerify(token, await key, { algorithms: ['HS256'], issuer, currentDate: new Date(now()) });
        if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw unauthenticated('Invalid token');
        const checked = { subject: payload.sub, expiresAtMs: payload.exp * 1000 };
        verified.set(token, checked);
        return checked.subject;
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw expired();
        throw unauthenticated('Invalid token');
      }
    },
  };
}

/** The deployment's secret: JWT_SECRET, or outside production the one generated in the data directory. */
export function signingSecret(config: Config): string {
  return config.jwtSecret ?? developmentSecret(config.dataDir);
}

/** Outside production, a secret generated once and kept in the data directory. */
function developmentSecret(dataDir: string): string {
  const path = join(dataDir, 'jwt-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
