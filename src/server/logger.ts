import pino from 'pino';

/** Structured JSON logs on stdout. */
export function createLogger(level: string) {
  return pino({ level, base: { service: 'verification-backend' }, redact: ['req.headers.authorization', '*.password', '*.token'] });
}

export type Logger = ReturnType<typeof createLogger>;
