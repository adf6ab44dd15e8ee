import type { DataSource } from 'typeorm';
import type { Count } from '../../domain/rate-limits';
import { queryRows } from './rows';

/** Points to add to the count under `key`, whose window, when a new one starts, lasts `windowSeconds`. */
interface StoredCharge {
  key: string;
  points: number;
  windowSeconds: number;
}

/** Where the counts of attempts live, shared by every instance of the server. */
export interface RateLimitStore {
  /**
   * Adds each charge's points to its count, atomically, starting a new window for a count
   * whose window has ended; returns the counts, in the order of the charges. Keys are unique.
   */
  add(charges: readonly StoredCharge[]): Promise<Count[]>;
  /** Deletes the counts whose window has ended; returns how many. */
  sweep(): Promise<number>;
}

// Written by hand: adding to a count or starting its window anew is an upsert whose update
// is a CASE over the stored row, which TypeORM's builder cannot express (its orUpdate only
// copies the excluded values). One statement for all of an attempt's counts: atomic per count even when instances charge
// the same key at once, one round trip, and the database's clock for every instance. Keys
// are locked in key order, so two attempts sharing keys cannot deadlock.
const addSql = `
  INSERT INTO rate_limits (key, points, expires_at)
  SELECT key, points, now() + make_interval(secs => seconds)
    FROM unnest($1::text[], $2::int[], $3::int[]) AS charge (key, points, seconds)
   ORDER BY key
  ON CONFLICT (key) DO UPDATE SET
    points = CASE WHEN rate_limits.expires_at > now() THEN rate_limits.points + excluded.points ELSE excluded.points END,
    expires_at = CASE WHEN rate_limits.expires_at > now() THEN rate_limits.expires_at ELSE excluded.expires_at END
  RETURNING key, points, extract(epoch FROM expires_at - now())::float8 AS seconds_left`;

// SKIP LOCKED: the sweep never waits for a row an attempt holds, so the two cannot deadlock
// (an attempt locks its rows in key order, a plain DELETE would in expires_at order).
const sweepSql = `
  WITH gone AS (
    DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE expires_at <= now() FOR UPDATE SKIP LOCKED)
    RETURNING 1
  )
  SELECT count(*) AS swept FROM gone`;

/** The counts in the rate_limits table (migration RateLimits1764250000000), on PostgreSQL or PGlite alike. */
export function postgresRateLimitStore(dataSource: DataSource): RateLimitStore {
  return {
    async add(charges) {
      if (charges.length === 0) return [];
      const rows = await queryRows<{ key: string; points: number; seconds_left: number }>(dataSource.manager, addSql, [
        charges.map((charge) => charge.key),
        charges.map((charge) => charge.points),
        charges.map((charge) => charge.windowSeconds),
      ]);
      const byKey = new Map(rows.map((row) => [row.key, { points: row.points, secondsLeft: row.seconds_left }]));
      return charges.map((charge) => byKey.get(charge.key)!);
    },
    async sweep() {
      const [row] = await queryRows<{ swept: number }>(dataSource.manager, sweepSql);
      return row.swept;
    },
  };
}
