import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Config } from '../config/config';
import { unauthenticated } from '../domain/errors';

/** Signs and checks the bearer tokens (HS256 JWTs) that name a reviewer. */
export interface TokenIssuer {
  issue(reviewerId: string): Promise<string>;
  /** The reviewer id in a valid token; UNAUTHENTICATED for a bad or expired one. */
  verify(token: string): Promise<string>;
}

const issuer = 'verification-backend';

export function createTokenIssuer(config: Config): TokenIssuer {
  // Imported once: given the raw secret, jose imported it into Web Crypto on every call (~2% of a castVote's CPU, bench B2).
  const key = crypto.subtle.importKey('raw', new TextEncoder().encode(signingSecret(config)), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  return {
    issue: async (reviewerId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(reviewerId)
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(`${config.tokenTtlSeconds}s`)
        .sign(await key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await key, { algorithms: ['HS256'], issuer });
        if (typeof payload.sub !== 'string') throw unauthenticated('Invalid token');
        return payload.sub;
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw unauthenticated('The token has expired; sign in again');
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
