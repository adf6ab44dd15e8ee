import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counts of attempts for the rate limits, shared by every instance: one row per counted thing
 * (an HMAC of the email, address or reviewer, never the value itself) and fixed window.
 * UNLOGGED: the counts are throwaway, and every mutation writes one, so they skip the WAL; a
 * crash empties the table, which only forgives the attempts of the current windows.
 * Expired rows are swept by expires_at.
 */
export class RateLimits1764250000000 implements MigrationInterface {
  name = 'RateLimits1764250000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE rate_limits (
        key text PRIMARY KEY,
        points integer NOT NULL CHECK (points > 0),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rate_limits`);
  }
}
