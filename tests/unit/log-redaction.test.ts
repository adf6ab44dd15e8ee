import { createLogger } from '../../src/observability/logger';

/** What a logger writes, one parsed JSON object per line. */
function capture() {
  const lines: Record<string, any>[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

test('credentials are redacted wherever they turn up in a log line', () => {
  const { logger, lines } = capture();
  const secrets = ['correct horse battery', 'eyJhbGciOiJIUzI1NiJ9.e30.sig', 'a-jwt-secret-of-32-characters-long', 'postgres://app:pw@db/app', 'metrics-token-123456'];
  logger.info({ req: { headers: { authorization: `Bearer ${secrets[1]}`, cookie: 'session=1' } } }, 'request');
  logger.info({ variables: { input: { email: 'a@example.org', password: secrets[0] } } }, 'logIn');
  logger.info({ data: { logIn: { token: secrets[1] } } }, 'result');
  logger.info({ config: { jwtSecret: secrets[2], databaseUrl: secrets[3], metricsToken: secrets[4] } }, 'config');
  logger.error({ err: { message: 'failed', query: 'INSERT INTO reviewers ...', parameters: [secrets[0]] } }, 'unexpected error');
  const written = JSON.stringify(lines);
  for (const secret of secrets) expect(written).not.toContain(secret);
  expect(lines[1].variables.input).toEqual({ email: 'a@example.org', password: '[redacted]' });
  expect(lines[4].err).toMatchObject({ message: 'failed', parameters: '[redacted]' });
});
