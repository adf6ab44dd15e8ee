import { LOG_CHANNEL } from '../../src/db/statements/event-log';
import { createBenchDatabase } from '../lib/database';
import { FanoutLoad } from '../lib/fanout-load';
import {
  alternateFanoutRounds,
  deliveryNotes,
  deliveryPercentile,
  fanoutOptions,
  measuredMessages,
  seedFanoutWorld,
  SideRounds,
  verdictSubscription,
  voteTrigger,
  wsUrl,
} from '../lib/live-fanout';
import { Cores, pinningSupport } from '../lib/processes';
import { ProjectServer, startProjectServer } from '../lib/project-server';
import { Seeder } from '../lib/seed';
import { format } from '../lib/stats';
import type { ResultRow } from '../lib/table';
import type { Scenario } from './scenario';

const maxAddedMs = 5;

/**
 * B5: B3 at 1,000 subscribers on instance A, with the votes cast through instance B on the same
 * PostgreSQL database, so that A learns of them only from the log's NOTIFY; compared in the
 * same run with the votes cast through A itself (B3's setting). Goal: at most 5 ms more at p99.
 */
export const crossInstanceScenario: Scenario = {
  id: 'b5',
  title: 'verdictChanged when the vote is cast through another instance, vs through the same one',
  options: [
    { name: 'subscribers', default: 1000, help: 'subscribers on instance A, each a socket of its own' },
    // Instance B on the load core by default: deployed instances do not share a CPU, and with B
    // on A's core A's fan-out waits whenever the scheduler gives the core to B (its castVote
    // answer, its GC): time-sharing, not the cross-instance path. Beside the load generator B
    // can only slow the generator's reading, so it can only make "through B" look worse.
    {
      name: 'b-core',
      default: 'load',
      valid: (value: string) => value in Cores,
      help: "the core of instance B: load (beside the load generator) or server (time-sharing A's core)",
    },
    ...fanoutOptions,
  ],
  async run({ options, db, log, execArgv }) {
    if (db !== 'postgres') throw new Error('B5 needs PostgreSQL: two instances cannot share an embedded PGlite');
    const subscribers = options.number('subscribers');
    const messages = measuredMessages(options, subscribers);
    const database = await createBenchDatabase(db);
    const servers: ProjectServer[] = [];
    const load = FanoutLoad.start();
    try {
      const bCore = options.string('b-core') as keyof typeof Cores;
      servers.push(await startProjectServer(database.projectEnv, { execArgv: execArgv.project }));
      servers.push(await startProjectServer(database.projectEnv, { execArgv: execArgv.project, core: Cores[bCore] }));
      const [a, b] = servers;
      const world = await seedFanoutWorld(await Seeder.create(a.url));
      log(`connecting ${subscribers} subscribers to instance A`);
      const opened = await load.open(wsUrl(a.url), subscribers, verdictSubscription(world));
      const viaA = voteTrigger(a.url, world, database.projectEnv, LOG_CHANNEL);
      const viaB = voteTrigger(b.url, world, database.projectEnv, LOG_CHANNEL);
      await load.ready(viaA, 120_000);
      log(`  connected in ${(opened.connectMs / 1000).toFixed(1)} s`);
      const results = await alternateFanoutRounds(
        options,
        [
          { name: 'votes through B', load, trigger: viaB, serverPid: a.pid },
          { name: 'votes through A', load, trigger: viaA, serverPid: a.pid },
        ],
        subscribers,
        log,
      );
      const throughB = results.get('votes through B')!;
      const throughA = results.get('votes through A')!;
      return {
        rows: crossInstanceRows(subscribers, throughB, throughA),
        notes: [
          `Two instances of the project (A and B) on one PostgreSQL database, A on the server core, B on the ${bCore} core (--b-core). ${subscribers} subscribers on A as in B3 ` +
            `(the contract's OnVerdictChanged for one event, anonymous, raw graphql-transport-ws clients in a load-generator process on the load core). ` +
            `"Through B": every castVote goes to B, and A hears of it from the log's NOTIFY only; "through A": B3's setting, measured in the same run, in alternating rounds.`,
          `Times from the commit as a LISTEN connection of the load generator's own hears its NOTIFY, to each subscriber's arrival (the load generator's clock); ` +
            `the "sent" row starts just before the castVote is written. The next vote goes ${options.number('gap')} ms after every subscriber had the last. ` +
            `${options.number('rounds')} rounds of ${options.number('warmup')} s of unmeasured votes (${options.number('warmup') + options.number('prime')} s the first) + ${messages} measured per side; pooled. ` +
            `Server CPU is A's.` +
            (pinningSupport().works ? '' : ` Unpinned: ${pinningSupport().why}.`),
          ...deliveryNotes('Through B', throughB.deliveries, subscribers, throughB.unexpected),
          ...deliveryNotes('Through A', throughA.deliveries, subscribers, throughA.unexpected),
        ],
      };
    } finally {
      await load.stop();
      for (const server of servers) await server.stop();
      await database.drop();
    }
  },
};

function crossInstanceRows(subscribers: number, throughB: SideRounds, throughA: SideRounds): ResultRow[] {
  const label = `${subscribers.toLocaleString('en')} subscribers on A`;
  const both = (f: (side: SideRounds) => number): [number, number] => [f(throughB), f(throughA)];
  const row = (measure: string, values: [number, number]): ResultRow => ({
    scenario: 'B5',
    measure: `${label}: ${measure}`,
    project: format.ms(values[0]),
    baseline: format.ms(values[1]),
    ratio: format.ratio(values[0] / values[1]),
    goal: '—',
    pass: null,
  });
  const p99 = both((side) => deliveryPercentile(side.deliveries, 'commit', 'last', 99));
  const complete = [throughB, throughA].every((side) => side.deliveries.every((d) => d.received === subscribers));
  const added = p99[0] - p99[1];
  return [
    {
      scenario: 'B5',
      measure: `${label}: commit to the last subscriber, p99, votes through B (project) minus through A (baseline column), ${throughB.deliveries.length} / ${throughA.deliveries.length} messages`,
      project: format.ms(p99[0]),
      baseline: format.ms(p99[1]),
      ratio: `${added >= 0 ? '+' : ''}${format.ms(added)}`,
      goal: `<= +${maxAddedMs} ms`,
      pass: complete && added <= maxAddedMs,
    },
    row('commit to the last subscriber, p50, through B / through A', both((side) => deliveryPercentile(side.deliveries, 'commit', 'last', 50))),
    row('commit to the first subscriber, p50, through B / through A', both((side) => deliveryPercentile(side.deliveries, 'commit', 'first', 50))),
    row('castVote sent to the last subscriber, p99, through B / through A', both((side) => deliveryPercentile(side.deliveries, 'sent', 'last', 99))),
    row("A's CPU per vote, warm-up included, through B / through A", both((side) => side.cpuMsPerMessage)),
  ];
}
