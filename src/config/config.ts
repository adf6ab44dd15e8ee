import { z } from 'zod';

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
  /** When set, GET /metrics requires `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
}

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
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

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
    metricsToken: e.METRICS_TOKEN,
  };
}

/** An empty variable (`PORT=`) means "not set", as in most shells' intent. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}
