import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Named prepared statements: PostgreSQL parses and plans a named statement once per connection
 * and then only binds and runs it, where an unnamed one is parsed and planned on every request
 * (an EventBoard's 7 statements were 1.4x PostGraphile's PostgreSQL CPU for that reason).
 * PGlite has one session behind all its socket connections, so a statement prepared on one
 * connection already exists for the next, which pg does not know (42P05): there the same SQL
 * runs unnamed.
 */
const preparing = new WeakSet<DataSource>();

/** Runs `dataSource`'s hand-written statements as named prepared statements from now on. */
export function prepareStatements(dataSource: DataSource): void {
  preparing.add(dataSource);
}

const names = new Map<string, string>();

/** The statement's name on `dataSource`, the same for the same text; undefined when it runs unnamed. */
export function statementName(dataSource: DataSource, sql: string): string | undefined {
  if (!preparing.has(dataSource)) return undefined;
  let name = names.get(sql);
  if (name === undefined) names.set(sql, (name = `s${createHash('sha1').update(sql).digest('base64url').slice(0, 22)}`));
  return name;
}
