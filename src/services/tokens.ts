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
  const key = new TextEncoder().encode(signingSecret(config));
  return {
    issue: (reviewerId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(reviewerId)
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(`${config.tokenTtlSeconds}s`)
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer });
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
