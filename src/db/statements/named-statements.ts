import { createHash } from 'node:crypto';

/**
 * A hand-written statement's name as a prepared statement: derived from its text, so the same
 * text always has the same name and nothing is kept per statement. PostgreSQL parses and plans
 * a named statement once per connection, and then only binds and runs it.
 */
export function statementName(sql: string): string {
  return `s${createHash('sha1').update(sql).digest('base64url').slice(0, 22)}`;
}
