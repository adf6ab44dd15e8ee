/**
 * B9's baseline: the rate-limit store of src/db/statements/rate-limit-store.ts as it would be
 * through TypeORM's builder, the house's one way to write, were its hand-written upsert not
 * needed. The builder's `orUpdate` only copies the inserted values, and the count must add to
 * the stored row while its window lasts, so a charge becomes: one INSERT ... ON CONFLICT DO
 * NOTHING for all the charges, then an UPDATE per count that was already there, whose CASE
 * is the only SQL text (the builder's raw `set`), all in one transaction: 5 round trips for
 * B2's two counts, against 1. The cheapest builder form found; a SELECT ... FOR UPDATE per
 * count, computed in JS, would add two more.
 */
import type { DataSource } from 'typeorm';

/** Shaped as the project's RateLimitStore, which the scenario holds it to; nothing of src/ is imported. */
interface Charge {
  key: string;
  points: number;
  windowSeconds: number;
}
interface Count {
  points: number;
  secondsLeft: number;
}

const left = 'extract(epoch FROM expires_at - now())::float8';

export function builderRateLimitStore(dataSource: DataSource): { add(charges: readonly Charge[]): Promise<Count[]>; sweep(): Promise<number> } {
  return {
    add: (charges) =>
      dataSource.transaction(async (tx) => {
        const inKeyOrder = [...charges].sort((a, b) => (a.key < b.key ? -1 : 1));
        const inserted = await tx
          .createQueryBuilder()
          .insert()
          .into('rate_limits', ['key', 'points', 'expires_at'])
          .values(inKeyOrder.map((charge) => ({ key: charge.key, points: charge.points, expires_at: () => `now() + make_interval(secs => ${charge.windowSeconds})` })))
          .orIgnore()
          .returning(`key, points, ${left} AS seconds_left`)
          .execute();
        const counts = new Map<string, Count>();
        for (const row of inserted.raw as { key: string; points: number; seconds_left: number }[]) counts.set(row.key, { points: row.points, secondsLeft: row.seconds_left });
        for (const charge of inKeyOrder.filter((c) => !counts.has(c.key))) {
          const updated = await tx
            .createQueryBuilder()
            .update('rate_limits')
            .set({
              points: () => 'CASE WHEN expires_at > now() THEN points + :points ELSE :points END',
              expires_at: () => 'CASE WHEN expires_at > now() THEN expires_at ELSE now() + make_interval(secs => :seconds) END',
            })
            .where('key = :key', { key: charge.key, points: charge.points, seconds: charge.windowSeconds })
            .returning(`points, ${left} AS seconds_left`)
            .execute();
          const [row] = updated.raw as { points: number; seconds_left: number }[];
          counts.set(charge.key, { points: row.points, secondsLeft: row.seconds_left });
        }
        return charges.map((charge) => counts.get(charge.key)!);
      }),
    sweep: () => Promise.reject(new Error('B9 does not sweep')),
  };
}
