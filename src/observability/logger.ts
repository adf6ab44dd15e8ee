import pino from 'pino';

/**
 * What never reaches the logs: credentials in headers, in GraphQL variables and results (logIn's
 * password, the token it returns), the parameters of a failed SQL statement, and the secrets
 * of the configuration, at whatever depth (up to three levels) they turn up.
 */
const secrets = ['authorization', 'cookie', 'password', 'token', 'jwtSecret', 'databaseUrl', 'metricsToken'];
const redactedPaths = [
  ...secrets.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
  'err.parameters',
];

/** Structured JSON logs, on stdout unless another destination is given. */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  const options = { level, base: { service: 'verification-backend' }, redact: { paths: redactedPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type Logger = ReturnType<typeof createLogger>;
