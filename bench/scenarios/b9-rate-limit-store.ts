import { createDataSource, migrate } from '../../src/db/data-source';
import { postgresRateLimitStore, RateLimitStore } from '../../src/db/statements/rate-limit-store';
import { builderRateLimitStore } from '../baselines/builder-rate-limit-store';
import { runClosedLoop } from '../lib/closed-loop';
import { createBenchDatabase } from '../lib/database';
import { alternateRounds, cpuPerOperation, describeRounds, roundTiming } from '../lib/rounds';
import { summarizeRounds } from '../lib/stats';
import { loadNotes, loadRows } from '../lib/table';
import type { Scenario } from './scenario';

/** The hand-written upsert must beat the builder by this much to keep its place. */
const minRatio = 1.1;
/** The pool a server has on PostgreSQL (src/db/database.ts). */
const poolSize = 10;

/**
 * B9: what B2's castVote pays first, its two rate-limit counts (the caller's address, shared by
 * every reviewer behind the load generator's one address, and the reviewer's own), added by
 * the project's hand-written upsert (project column) and by the same store through TypeORM's
 * builder (baseline column, bench/baselines/builder-rate-limit-store.ts), on one DataSource
 * with a server's pool, in alternating rounds. Goal: the hand-written upsert at least 1.1x
 * the builder's throughput, or it goes (bench/README.md, "What the figures shaped in the code").
 */
export const rateLimitStoreScenario: Scenario = {
  id: 'b9',
  title: "castVote's rate-limit counts, hand-written upsert vs TypeORM's builder",
  options: [{ name: 'callers', default: 32, help: 'concurrent callers, as B2 has reviewers, each adding its two counts in a closed loop' }],
  async run({ options, db, log }) {
    if (db !== 'postgres') throw new Error("B9 needs PostgreSQL: its contention is between a server's pooled connections");
    const callers = options.number('callers');
    const database = await createBenchDatabase(db);
    const dataSource = createDataSource(database.projectEnv.DATABASE_URL, { poolSize, namedStatements: true });
    try {
      await dataSource.initialize();
      await migrate(dataSource);
      const stores = { project: postgresRateLimitStore(dataSource), baseline: builderRateLimitStore(dataSource) };
      await sameCounts(stores.project, stores.baseline);
      const timing = roundTiming(options);
      const side = (store: RateLimitStore, prefix: string) => ({
        server: 'loop' as const,
        run: (round: number) =>
          runClosedLoop({
            concurrency: callers,
            warmupMs: timing.warmupMs(round),
            durationMs: timing.durationMs,
            operate: async (worker) => {
              const [address, reviewer] = await store.add([
                { key: `${prefix}:address`, points: 1, windowSeconds: 60 },
                { key: `${prefix}:reviewer:${worker}`, points: 1, windowSeconds: 60 },
              ]);
              return { ok: address.points > 0 && reviewer.points > 0 };
            },
          }),
      });
      log(`${callers} callers, each adding two counts, one shared by all, on a pool of ${poolSize}`);
      const rounds = await alternateRounds(options.number('rounds'), { project: side(stores.project, 'sql'), baseline: side(stores.baseline, 'builder') }, log);
      const project = summarizeRounds(rounds.project);
      const baseline = summarizeRounds(rounds.baseline);
      const label = `${callers} callers, two counts each`;
      return {
        rows: loadRows('B9', label, project, baseline, minRatio, 'charges/s', { project: cpuPerOperation(rounds.project), baseline: cpuPerOperation(rounds.baseline) }),
        notes: [
          `${describeRounds(options)}. One process runs the loop and the store: its CPU is the "server CPU" row.`,
          'Both stores gave the same counts and windows for the same charges before the run.',
          ...loadNotes(label, project, baseline),
        ],
      };
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    }
  },
};

/** Both stores count alike: a new count, an added one and a shared one, under keys of their own. */
async function sameCounts(a: RateLimitStore, b: RateLimitStore): Promise<void> {
  const charges = (side: string) => [
    { key: `check-${side}:z`, points: 2, windowSeconds: 30 },
    { key: `check-${side}:a`, points: 1, windowSeconds: 60 },
  ];
  const run = async (store: RateLimitStore, side: string) => {
    const first = await store.add(charges(side));
    const second = await store.add(charges(side));
    return [...first, ...second].map((count) => ({ points: count.points, secondsLeft: Math.round(count.secondsLeft) }));
  };
  const [fromA, fromB] = [await run(a, 'a'), await run(b, 'b')];
  if (JSON.stringify(fromA) !== JSON.stringify(fromB)) throw new Error(`the stores disagree: ${JSON.stringify(fromA)} against ${JSON.stringify(fromB)}`);
}
