import { GraphQLError } from 'graphql';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnreachable } from '../../src/db/unreachable';
import { formatError } from '../../src/graphql/errors';

const pgError = (code: string, message = 'terminating connection due to administrator command') => {
  const error = new DatabaseError(message, 100, 'error');
  error.code = code;
  return error;
};
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });

test.each([
  ['connection refused', socketError('ECONNREFUSED')],
  ['connection reset', socketError('ECONNRESET')],
  ['admin shutdown (57P01)', pgError('57P01')],
  ['the database starting up (57P03)', pgError('57P03', 'the database system is starting up')],
  ['connection failure (08006)', pgError('08006', 'connection failure')],
  ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
  ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ['no pooled connection in time', new Error('timeout exceeded when trying to connect')],
  ['behind TypeORM', new QueryFailedError('SELECT 1', [], pgError('57P01'))],
  ['behind a resolver', new GraphQLError('connect ECONNREFUSED', { originalError: socketError('ECONNREFUSED'), path: ['events'] })],
  ['as a cause', new Error('reading the viewer failed', { cause: socketError('ECONNREFUSED') })],
])('the database out of reach: %s', (_name, error) => {
  expect(isDatabaseUnreachable(error)).toBe(true);
  const shown = formatError({ message: error.message, path: ['events'] }, error);
  expect(shown).toEqual({
    message: 'The database cannot be reached right now; nothing was written. Try again in 5 s',
    path: ['events'],
    extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 5 },
  });
});

test.each([
  ['a unique violation', new QueryFailedError('INSERT', [], pgError('23505', 'duplicate key value violates unique constraint'))],
  ['a serialization failure', pgError('40001', 'could not serialize access')],
  ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ['nothing', undefined],
])('not an outage, still masked as INTERNAL_SERVER_ERROR: %s', (_name, error) => {
  expect(isDatabaseUnreachable(error)).toBe(false);
  expect(formatError({ message: 'x' }, error).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
});
