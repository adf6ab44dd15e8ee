import { z } from 'zod';
import type { RateLimitPolicy } from '../domain/rate-limits';

/** Settings read once from the environment at start-up; see the README's Configuration table. */
export interface Config {
  port: number;
  host: string;
  /** Absent: the embedded PGlite database under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Absent outside production: generated once and kept in dataDir. */
  jwtSecret: string | undefined;
  tokenTtlSeconds: number;
  publicBaseUrl: string;
  publisherName: string;
  publisherUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  production: boolean;
  /** Reverse proxies in front of the server whose X-Forwarded-For is believed; 0: the socket's address. */
  trustProxy: number;
  rateLimits: RateLimitPolicy;
  operationLimits: OperationLimits;
  /** Browser origins allowed by CORS (and, in production, for WebSocket upgrades): '*' for any. */
  corsOrigins: '*' | string[];
  /** When set, GET /metrics requires `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  /** WebSocket keep-alive: a ping this often; no pong within as long again drops the socket. */
  keepAliveSeconds: number;
  /** A WebSocket that has not sent its connection_init this long after opening is closed with 4408. */
  connectionInitWaitMs: number;
}

/** What one GraphQL operation may ask for; checked before it runs, over HTTP and WebSocket. */
export interface OperationLimits {
  /** Nesting of fields, fragments counted where spread. Default 15. */
  maxDepth: number;
  /** Aliased fields. Default 20. */
  maxAliases: number;
  /** Directives. Default 20. */
  maxDirectives: number;
  /** Lexical tokens of the document (front ends send the whole contract document). Default 5000. */
  maxTokens: number;
  /** Cost: 1 per field, what is below a connection paid once per item of its `first`. Default 50000. */
  maxCost: number;
}

const limit = z.coerce.number().int().min(1).max(1_000_000_000);
const seconds = z.coerce.number().int().min(1).max(24 * 60 * 60);

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const environment = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL: z.coerce.number().int().min(60).max(60 * 60 * 24 * 90).default(60 * 60 * 12),
  PUBLIC_BASE_URL: url.optional(),
  PUBLISHER_NAME: z.string().min(1).default('Verification Desk'),
  PUBLISHER_URL: url.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  RATE_LIMIT_LOGIN_PER_EMAIL: limit.default(10),
  RATE_LIMIT_LOGIN_PER_IP: limit.default(100),
  RATE_LIMIT_LOGIN_WINDOW: seconds.default(15 * 60),
  RATE_LIMIT_MUTATIONS_PER_REVIEWER: limit.default(300),
  RATE_LIMIT_MUTATIONS_PER_IP: limit.default(6000),
  RATE_LIMIT_MUTATION_WINDOW: seconds.default(60),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(15),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).default(20),
  MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).default(20),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(5000),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(50_000),
  CORS_ORIGINS: z
    .string()
    .refine((list) => list.trim() === '*' || list.split(',').every((item) => !item.trim() || isOrigin(item.trim())), {
      error: 'must be * or a comma-separated list of origins such as https://desk.example.org',
    })
    .optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WS_KEEPALIVE: z.coerce.number().int().min(1).max(600).default(12),
  WS_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
});

/** http(s)://host[:port], nothing more: what a browser sends in its Origin header. */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return /^https?:$/.test(url.protocol) && url.origin === text.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/** Unset: any origin outside production, none in production. */
function corsOrigins(list: string | undefined, production: boolean): '*' | string[] {
  if (list === undefined) return production ? [] : '*';
  if (list.trim() === '*') return '*';
  return list
    .split(',')
    .map((item) => item.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

/** Thrown with every problem of the environment at once, one per line. */
export class ConfigError extends Error {}

/** Reads and validates the configuration; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production');
  }
  const publicBaseUrl = e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    jwtSecret: e.JWT_SECRET,
    tokenTtlSeconds: e.TOKEN_TTL,
    publicBaseUrl: publicBaseUrl.replace(/\/+$/, ''),
    publisherName: e.PUBLISHER_NAME,
    publisherUrl: e.PUBLISHER_URL ?? publicBaseUrl,
    logLevel: e.LOG_LEVEL,
    production,
    trustProxy: e.TRUST_PROXY,
    rateLimits: {
      logInPerEmail: e.RATE_LIMIT_LOGIN_PER_EMAIL,
      logInPerAddress: e.RATE_LIMIT_LOGIN_PER_IP,
      logInWindowSeconds: e.RATE_LIMIT_LOGIN_WINDOW,
      mutationsPerReviewer: e.RATE_LIMIT_MUTATIONS_PER_REVIEWER,
      mutationsPerAddress: e.RATE_LIMIT_MUTATIONS_PER_IP,
      mutationWindowSeconds: e.RATE_LIMIT_MUTATION_WINDOW,
    },
    operationLimits: {
      maxDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_QUERY_ALIASES,
      maxDirectives: e.MAX_QUERY_DIRECTIVES,
      maxTokens: e.MAX_QUERY_TOKENS,
      maxCost: e.MAX_QUERY_COST,
    },
    corsOrigins: corsOrigins(e.CORS_ORIGINS, production),
    metricsToken: e.METRICS_TOKEN,
    keepAliveSeconds: e.WS_KEEPALIVE,
    connectionInitWaitMs: e.WS_INIT_TIMEOUT_MS,
  };
}

/** An empty variable (`PORT=`) means "not set", as in most shells' intent. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}
