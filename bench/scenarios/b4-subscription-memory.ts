import { LOG_CHANNEL } from '../../src/db/statements/event-log';
import { startBaselineServer } from '../lib/baseline-server';
import { createBenchDatabase } from '../lib/database';
import { FanoutLoad, Trigger } from '../lib/fanout-load';
import { broadcastTrigger, seedFanoutWorld, verdictSubscription, voteTrigger, wsUrl } from '../lib/live-fanout';
import type { Child } from '../lib/processes';
import { startProjectServer } from '../lib/project-server';
import { Seeder } from '../lib/seed';
import { memoryAfterGc, MemorySample } from '../lib/server-with-gc';
import { format } from '../lib/stats';
import type { ResultRow } from '../lib/table';
import type { Scenario } from './scenario';

const goal = { maxKb: 30, maxRatio: 2 };
/** Subscribers opened and closed before the first measure, so that code and pools that come once are in it. */
const warmupSubscribers = 100;

interface SideMemory {
  before: MemorySample;
  idle: MemorySample;
  afterMessages: MemorySample;
}

/**
 * B4: the memory an idle verdictChanged subscription costs the server, against an idle socket
 * of a raw ws server. The server runs in a wrapper (lib/server-with-gc.ts) that answers the
 * bench's IPC request with its memory after a full GC; nothing is added to src/. Goal: at most
 * 30 KB per subscription and at most 2x the raw socket.
 */
export const subscriptionMemoryScenario: Scenario = {
  id: 'b4',
  title: 'memory per idle verdictChanged subscription, project vs raw ws socket',
  options: [
    { name: 'subscribers', default: 10_000, help: 'idle subscriptions, each a socket of its own' },
    { name: 'settle', default: 3, help: 'seconds of quiet before each measure' },
    { name: 'messages', default: 20, help: 'messages then sent to every subscriber, to see whether idle memory grows with them' },
  ],
  async run({ options, db, log, execArgv }) {
    const subscribers = options.number('subscribers');
    const settleMs = options.number('settle') * 1000;
    const messages = options.number('messages');
    const database = await createBenchDatabase(db);
    const project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project, measureGc: true });
    const baseline = await startBaselineServer('baselines/raw-ws-broadcast.ts', {}, { measureGc: true, execArgv: execArgv.baseline });
    try {
      const world = await seedFanoutWorld(await Seeder.create(project.url));
      const subscription = verdictSubscription(world);
      const projectTrigger = voteTrigger(project.url, world, database.projectEnv, LOG_CHANNEL);
      let sample = '';
      const measure = async (name: string, child: Child, url: string, trigger: () => Trigger): Promise<SideMemory> => {
        log(`${name}: ${warmupSubscribers} subscribers opened and closed, then ${subscribers} held idle`);
        const warmup = FanoutLoad.start();
        try {
          await warmup.open(wsUrl(url), warmupSubscribers, subscription);
          sample = (await warmup.ready(trigger(), 60_000)).sample;
        } finally {
          await warmup.stop();
        }
        await settle(settleMs);
        const before = await memoryAfterGc(child);
        const load = FanoutLoad.start();
        try {
          const opened = await load.open(wsUrl(url), subscribers, subscription);
          await load.ready(trigger(), 120_000);
          log(`  connected in ${(opened.connectMs / 1000).toFixed(1)} s`);
          await settle(settleMs);
          const idle = await memoryAfterGc(child);
          await load.round({ trigger: trigger(), warmupMs: 0, messages, gapMs: 50, timeoutMs: 10_000 + subscribers });
          await settle(settleMs);
          const afterMessages = await memoryAfterGc(child);
          log(`  ${perSubscription(idle.rss - before.rss, subscribers)} RSS, ${perSubscription(idle.heapUsed - before.heapUsed, subscribers)} heap per subscription`);
          return { before, idle, afterMessages };
        } finally {
          await load.stop();
        }
      };
      const projectMemory = await measure('project', project.child, project.url, () => projectTrigger);
      const baselineMemory = await measure('baseline', baseline.child, baseline.url, () => broadcastTrigger(baseline.url, sample));
      return {
        rows: memoryRows(subscribers, messages, projectMemory, baselineMemory),
        notes: [
          `${subscribers} sockets, each with the contract's OnVerdictChanged for one event, anonymous, held by a load-generator process (raw graphql-transport-ws clients, lib/ws-client.ts); ` +
            `the baseline (baselines/raw-ws-broadcast.ts, plain ws) answers connection_init and ignores the subscribe.`,
          `Each server runs inside lib/server-with-gc.ts (node --expose-gc), which answers the bench's IPC request with process.memoryUsage() and VmRSS from /proc after two full GCs. ` +
            `Measured after ${warmupSubscribers} subscribers were opened, served a message and closed (so that what is paid once is in the first measure), ` +
            `then again with ${subscribers} more subscribed, every one having had one message, and ${options.number('settle')} s idle: the difference over ${subscribers}.`,
          `RSS does not shrink back when the heap does, so it counts the heap's high-water mark as well as native memory (sockets' buffers in Node and ws).`,
          `Project before / idle / after ${messages} messages: ${describe(projectMemory)}. Baseline: ${describe(baselineMemory)}.`,
        ],
      };
    } finally {
      await project.stop();
      await baseline.stop();
      await database.drop();
    }
  },
};

function memoryRows(subscribers: number, messages: number, project: SideMemory, baseline: SideMemory): ResultRow[] {
  const label = `${subscribers.toLocaleString('en')} idle subscriptions`;
  const perSub = (side: SideMemory, field: 'rss' | 'heapUsed') => (side.idle[field] - side.before[field]) / subscribers / 1024;
  const goalRow = (measure: string, field: 'rss' | 'heapUsed'): ResultRow => {
    const values = [perSub(project, field), perSub(baseline, field)];
    return {
      scenario: 'B4',
      measure: `${label}: ${measure} per subscription`,
      project: kb(values[0]),
      baseline: kb(values[1]),
      ratio: format.ratio(values[0] / values[1]),
      goal: `<= ${goal.maxKb} KB and <= ${goal.maxRatio}x`,
      pass: values[0] <= goal.maxKb && values[0] / values[1] <= goal.maxRatio,
    };
  };
  const growth = (side: SideMemory) => (side.afterMessages.heapUsed - side.idle.heapUsed) / subscribers / messages;
  return [
    goalRow('RSS', 'rss'),
    goalRow('heap used after GC', 'heapUsed'),
    {
      scenario: 'B4',
      measure: `${label}: heap kept per subscription and message, after ${messages} more messages (then idle)`,
      project: `${growth(project).toFixed(0)} B`,
      baseline: `${growth(baseline).toFixed(0)} B`,
      ratio: '—',
      goal: '—',
      pass: null,
    },
  ];
}

const kb = (value: number) => `${value.toFixed(1)} KB`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)}`;
const perSubscription = (bytes: number, count: number) => kb(bytes / count / 1024);
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describe({ before, idle, afterMessages }: SideMemory): string {
  const one = (m: MemorySample) => `RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB, external ${mb(m.external)} MB`;
  return `${one(before)} / ${one(idle)} / ${one(afterMessages)}`;
}
