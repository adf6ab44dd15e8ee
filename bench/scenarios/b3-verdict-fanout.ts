import { LOG_CHANNEL } from '../../src/db/statements/event-log';
import { startBaselineServer } from '../lib/baseline-server';
import { createBenchDatabase } from '../lib/database';
import { FanoutLoad } from '../lib/fanout-load';
import {
  alternateFanoutRounds,
  broadcastTrigger,
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
import { pinningSupport } from '../lib/processes';
import { startProjectServer } from '../lib/project-server';
import { Seeder } from '../lib/seed';
import { format, percentile } from '../lib/stats';
import type { ResultRow } from '../lib/table';
import type { Scenario } from './scenario';

const maxRatio = 1.5;
/** The absolute goal, at the scenario's default size. */
const absoluteGoal = { subscribers: 1000, ms: 100 };

/**
 * B3: a vote's verdict change reaching every one of N verdictChanged subscribers of one
 * instance, against a raw ws server broadcasting the same bytes to N sockets. Goal: the p99 of
 * the time from the commit to the last subscriber at most 1.5x the baseline's, and under
 * 100 ms at 1,000 subscribers.
 */
export const verdictFanoutScenario: Scenario = {
  id: 'b3',
  title: 'verdictChanged to N subscribers of one instance, project vs raw ws broadcast',
  options: [{ name: 'subscribers', default: absoluteGoal.subscribers, help: 'subscribers, each a socket of its own' }, ...fanoutOptions],
  variant: (options) => `${options.number('subscribers')} subscribers`,
  async run({ options, db, log, execArgv }) {
    const subscribers = options.number('subscribers');
    const messages = measuredMessages(options, subscribers);
    const database = await createBenchDatabase(db);
    const project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project });
    const baseline = await startBaselineServer('baselines/raw-ws-broadcast.ts', {}, { execArgv: execArgv.baseline });
    const loads = { project: FanoutLoad.start(), baseline: FanoutLoad.start() };
    try {
      const world = await seedFanoutWorld(await Seeder.create(project.url));
      const subscription = verdictSubscription(world);
      const projectTrigger = voteTrigger(project.url, world, database.projectEnv, LOG_CHANNEL);

      log(`connecting ${subscribers} subscribers to the project`);
      const projectOpen = await loads.project.open(wsUrl(project.url), subscribers, subscription);
      const { sample, triggers } = await loads.project.ready(projectTrigger, 120_000);
      log(`  connected in ${(projectOpen.connectMs / 1000).toFixed(1)} s; every subscriber had vote ${triggers} (${Buffer.byteLength(sample)}-byte message)`);
      log(`connecting ${subscribers} sockets to the raw ws baseline`);
      const baselineTrigger = broadcastTrigger(baseline.url, sample);
      const baselineOpen = await loads.baseline.open(wsUrl(baseline.url), subscribers, subscription);
      await loads.baseline.ready(baselineTrigger, 60_000);
      log(`  connected in ${(baselineOpen.connectMs / 1000).toFixed(1)} s`);

      const results = await alternateFanoutRounds(
        options,
        [
          { name: 'project', load: loads.project, trigger: projectTrigger, serverPid: project.pid },
          { name: 'baseline', load: loads.baseline, trigger: baselineTrigger, serverPid: baseline.child.process.pid! },
        ],
        subscribers,
        log,
      );
      const projectRounds = results.get('project')!;
      const baselineRounds = results.get('baseline')!;
      const commitSeen = projectRounds.deliveries.every((d) => d.fromCommit !== null);
      return {
        rows: fanoutRows(subscribers, projectRounds, baselineRounds, commitSeen),
        notes: [
          `${subscribers} subscribers, each a socket of its own with the contract's OnVerdictChanged for one event, anonymous (so all share one execution per entry), ` +
            `held by a load-generator process pinned to the load core; raw graphql-transport-ws clients over TCP (lib/ws-client.ts) that only split frames and read the verdict version, so that the client keeps up. ` +
            `Every vote flips the claim's verdict (quorum 1), so each castVote sends every subscriber one ${Buffer.byteLength(sample)}-byte message; ` +
            `the baseline (baselines/raw-ws-broadcast.ts, plain ws) sends the same bytes, but for the version, to as many sockets in one loop when a POST asks.`,
          `What is measured, on one clock (performance.timeOrigin + performance.now(), sub-ms, the same machine): ` +
            (commitSeen
              ? `from the commit, as heard by a LISTEN connection of the load generator's own on the log's NOTIFY channel (PostgreSQL sends the NOTIFY to every listener at the commit; the load generator is idle then), `
              : 'from the castVote request sent (no NOTIFY to hear on PGlite), ') +
            `or for the baseline from the moment its server had read the POST (its own timestamp), to each subscriber's arrival, taken when the socket's bytes are read and before any parsing. ` +
            `"From sent" rows start just before the castVote (or the POST) is written, so they include the mutation itself.`,
          `One message at a time: the next vote is sent ${options.number('gap')} ms after every subscriber had the last, so deliveries never overlap. ` +
            `${options.number('rounds')} rounds of ${options.number('warmup')} s of unmeasured messages (${options.number('warmup') + options.number('prime')} s the first) + ${messages} measured per side, alternating which side goes first; pooled.`,
          `Both servers on the server core; the project keeps its sockets during the baseline's rounds and the baseline its during the project's, idle.` +
            (pinningSupport().works ? '' : ` Unpinned: ${pinningSupport().why}.`),
          ...deliveryNotes('Project', projectRounds.deliveries, subscribers, projectRounds.unexpected),
          ...deliveryNotes('Baseline', baselineRounds.deliveries, subscribers, baselineRounds.unexpected),
        ],
      };
    } finally {
      await Promise.all([loads.project.stop(), loads.baseline.stop()]);
      await project.stop();
      await baseline.stop();
      await database.drop();
    }
  },
};

function fanoutRows(subscribers: number, project: SideRounds, baseline: SideRounds, commitSeen: boolean): ResultRow[] {
  const from = commitSeen ? 'commit' : 'sent';
  const label = `${subscribers.toLocaleString('en')} subscribers`;
  const row = (measure: string, values: [number, number], goal = '—', pass: boolean | null = null, unit = format.ms): ResultRow => ({
    scenario: 'B3',
    measure: `${label}: ${measure}`,
    project: unit(values[0]),
    baseline: unit(values[1]),
    ratio: format.ratio(values[0] / values[1]),
    goal,
    pass,
  });
  const both = (f: (side: SideRounds) => number): [number, number] => [f(project), f(baseline)];
  const p99 = both((side) => deliveryPercentile(side.deliveries, from, 'last', 99));
  const absolute = subscribers === absoluteGoal.subscribers;
  const complete = [project, baseline].every((side) => side.deliveries.every((d) => d.received === subscribers));
  const pass = complete && p99[0] / p99[1] <= maxRatio && (!absolute || p99[0] < absoluteGoal.ms);
  const samples = `${project.deliveries.length} / ${baseline.deliveries.length} messages`;
  return [
    row(`${from} to the last subscriber, p99 (${samples})`, p99, `<= ${maxRatio}x${absolute ? ` and < ${absoluteGoal.ms} ms` : ''}`, pass),
    row(`${from} to the last subscriber, p50`, both((side) => deliveryPercentile(side.deliveries, from, 'last', 50))),
    row(`${from} to the first subscriber, p50`, both((side) => deliveryPercentile(side.deliveries, from, 'first', 50))),
    row(`${from} to the median subscriber, p50`, both((side) => deliveryPercentile(side.deliveries, from, 'median', 50))),
    row(`${from} to the first subscriber, p99`, both((side) => deliveryPercentile(side.deliveries, from, 'first', 99))),
    row('first subscriber to the last, p99', both((side) => deliveryPercentile(side.deliveries, from, 'spread', 99))),
    ...(commitSeen ? [row('castVote (or POST) sent to the last subscriber, p99', both((side) => deliveryPercentile(side.deliveries, 'sent', 'last', 99)))] : []),
    row('castVote (or POST) round trip, p50', both((side) => percentile(side.deliveries.map((d) => d.requestMs).sort((a, b) => a - b), 50))),
    row('server CPU per message (vote or broadcast), warm-up included', both((side) => side.cpuMsPerMessage)),
  ];
}
