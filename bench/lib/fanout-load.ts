import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Client } from 'pg';
import { operationBody } from './graphql';
import { answerRequests, ChildRequests } from './ipc';
import { Cores, startNode } from './processes';
import { RawGraphqlWsClient, SubscribeRequest, wallClockMs } from './ws-client';

/**
 * What makes one message reach the subscribers: a castVote over HTTP that flips a claim's
 * verdict (the project), or a POST to a raw server that broadcasts the body (the baseline).
 */
export type Trigger =
  | {
      kind: 'vote';
      /** The GraphQL endpoint the vote goes to (in B5, another instance than the subscribers'). */
      url: string;
      token: string;
      claimId: string;
      /** A LISTEN of our own on the log's NOTIFY channel: when it hears the vote's commit. */
      listen?: { databaseUrl: string; channel: string; eventUuid: string };
    }
  | {
      kind: 'broadcast';
      url: string;
      /** The message around its verdict version: `${before}${version}${after}`. */
      template: [string, string];
    };

/** First, median and last subscriber's arrival, in ms after a reference time. */
export type Spread = [first: number, median: number, last: number];

/** One message's way to every subscriber. */
export interface Delivery {
  /** From just before the trigger's request was sent. */
  fromSent: Spread;
  /**
   * From the commit as our own LISTEN connection heard its NOTIFY (the project), or from the
   * moment the raw server had read the trigger (the baseline); null when not observable.
   */
  fromCommit: Spread | null;
  /** The trigger request's round trip. */
  requestMs: number;
  /** Subscribers reached (all, unless the wait timed out). */
  received: number;
}

export interface FanoutRound {
  deliveries: Delivery[];
  warmupMessages: number;
  /** Messages that were not the expected `next` (errors, completions): samples. */
  unexpected: string[];
}

export interface RoundPlan {
  trigger: Trigger;
  warmupMs: number;
  messages: number;
  /** Pause after every subscriber has a message before the next trigger, so that none overlap. */
  gapMs: number;
  /** How long to wait for every subscriber to have a message. */
  timeoutMs: number;
}

/**
 * The subscribers of B3, B4 and B5 in a load-generator process of their own, pinned to the
 * load core: `count` raw graphql-transport-ws clients, each with one subscription, and the
 * trigger that makes a message reach them. The clock is the machine's wall clock with sub-ms
 * resolution (performance.timeOrigin + performance.now()); every time of one delivery is taken
 * in this process except the baseline's receipt of a trigger, which its server reports.
 */
export class FanoutLoad {
  private constructor(
    private readonly requests: ChildRequests,
    readonly stop: () => Promise<void>,
  ) {}

  static start(): FanoutLoad {
    const child = startNode(__filename, { core: Cores.load, args: ['--fanout-load'], ipc: true });
    return new FanoutLoad(new ChildRequests(child), () => child.stop());
  }

  /** Connects `count` clients to `url` (ws://), each subscribing with `subscribe` when given. */
  open(url: string, count: number, subscribe: SubscribeRequest | null): Promise<{ connectMs: number }> {
    return this.requests.request('open', { url, count, subscribe });
  }

  /** Triggers until one message reaches every client; returns its text (a template for a baseline). */
  ready(trigger: Trigger, timeoutMs: number): Promise<{ sample: string; triggers: number }> {
    return this.requests.request('ready', { trigger, timeoutMs });
  }

  round(plan: RoundPlan): Promise<FanoutRound> {
    return this.requests.request('round', plan);
  }
}

// ---- The load generator's side ----

const connectConcurrency = 64;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let expected = 0;
/** Arrival times by message key (the verdict version it carries). */
const arrivals = new Map<number, number[]>();
let waiter: { key: number; done(): void } | null = null;
let unexpected: string[] = [];
let lastSample = '';
let votes = 0;
let broadcasts = 1_000_000; // far from any real verdict version
let listener: { client: Client; eventUuid: string; heardAt: number | null } | null = null;

function onMessage(text: Buffer, arrivedAt: number): void {
  const key = text.includes('"type":"next"') ? versionIn(text) : NaN;
  if (Number.isNaN(key)) {
    if (unexpected.length < 5) unexpected.push(text.toString().slice(0, 300));
    return;
  }
  let times = arrivals.get(key);
  if (!times) arrivals.set(key, (times = []));
  times.push(arrivedAt);
  if (times.length === 1) lastSample = text.toString();
  if (waiter?.key === key && times.length === expected) waiter.done();
}

/** The number after the message's last `"version":`, the verdict's (previous { version } comes before it). */
function versionIn(text: Buffer): number {
  const at = text.lastIndexOf('"version":');
  if (at < 0) return NaN;
  let value = 0;
  let i = at + 10;
  for (; i < text.length && text[i] >= 0x30 && text[i] <= 0x39; i++) value = value * 10 + text[i] - 0x30;
  return i === at + 10 ? NaN : value;
}

/** The soft limit on open files of this process (the servers inherit the same from the harness). */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

async function open({ url, count, subscribe }: { url: string; count: number; subscribe: SubscribeRequest | null }) {
  const limit = openFilesLimit();
  if (count + 100 > limit) throw new Error(`${count} sockets need more open files than this process may have (ulimit -n is ${limit}): raise it`);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(connectConcurrency, count) }, async () => {
      while (next < count) {
        next++;
        const client = await RawGraphqlWsClient.open(url, onMessage);
        if (subscribe) client.subscribe(subscribe);
      }
    }),
  );
  expected = count;
  return { connectMs: performance.now() - started };
}

function post(url: string, body: string, headers: Record<string, string>): Promise<string> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} from ${url}: ${text.slice(0, 300)}`));
          else resolve(text);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function listenFor(listen: NonNullable<Extract<Trigger, { kind: 'vote' }>['listen']>) {
  if (listener?.eventUuid === listen.eventUuid) return listener;
  await listener?.client.end();
  const client = new Client({ connectionString: listen.databaseUrl, application_name: 'bench-commit-listener' });
  await client.connect();
  const state = { client, eventUuid: listen.eventUuid, heardAt: null as number | null };
  client.on('notification', (message) => {
    if (state.heardAt === null && message.payload?.startsWith(`${listen.eventUuid}:`)) state.heardAt = wallClockMs();
  });
  await client.query(`LISTEN ${listen.channel}`);
  return (listener = state);
}

/** Sends one trigger and waits until every client has its message, or the timeout. */
async function deliver(trigger: Trigger, timeoutMs: number): Promise<Delivery> {
  let key: number;
  let sentAt: number;
  let commitAt: number | null = null;
  let respondedAt: number;
  const heard = trigger.kind === 'vote' && trigger.listen ? await listenFor(trigger.listen) : null;
  if (heard) heard.heardAt = null;
  if (trigger.kind === 'vote') {
    const rating = votes++ % 2 === 0 ? 'FALSE' : 'TRUE'; // every vote flips the verdict
    const body = operationBody('CastVote', { input: { claimId: trigger.claimId, rating, rationale: 'Seen in the footage' } });
    sentAt = wallClockMs();
    const text = await post(trigger.url, body, { authorization: `Bearer ${trigger.token}` });
    respondedAt = wallClockMs();
    const result = JSON.parse(text) as { data?: { castVote: { claim: { verdict: { version: number } } } }; errors?: unknown };
    if (!result.data) throw new Error(`castVote failed: ${text.slice(0, 300)}`);
    key = result.data.castVote.claim.verdict.version;
  } else {
    key = broadcasts++;
    sentAt = wallClockMs();
    const text = await post(trigger.url, `${trigger.template[0]}${key}${trigger.template[1]}`, {});
    respondedAt = wallClockMs();
    commitAt = (JSON.parse(text) as { receivedAt: number }).receivedAt;
  }
  const times = arrivals.get(key) ?? [];
  if (times.length < expected) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      waiter = {
        key,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
    waiter = null;
  }
  const received = arrivals.get(key) ?? [];
  arrivals.delete(key);
  if (heard) {
    // The NOTIFY reaches every listener at the commit; ours is idle then, so it is heard at once.
    const deadline = performance.now() + 1000;
    while (heard.heardAt === null && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    commitAt = heard.heardAt;
  }
  const sorted = Float64Array.from(received).sort();
  const spread = (from: number): Spread =>
    sorted.length ? [sorted[0] - from, sorted[Math.floor((sorted.length - 1) / 2)] - from, sorted[sorted.length - 1] - from] : [NaN, NaN, NaN];
  return {
    fromSent: spread(sentAt),
    fromCommit: commitAt === null ? null : spread(commitAt),
    requestMs: respondedAt - sentAt,
    received: received.length,
  };
}

async function ready({ trigger, timeoutMs }: { trigger: Trigger; timeoutMs: number }) {
  const deadline = performance.now() + timeoutMs;
  for (let triggers = 1; ; triggers++) {
    const delivery = await deliver(trigger, Math.max(1000, Math.min(5000, deadline - performance.now())));
    if (delivery.received === expected) return { sample: lastSample, triggers };
    if (performance.now() > deadline) {
      throw new Error(`after ${triggers} triggers only ${delivery.received} of ${expected} subscribers had the message; ${unexpected.join(' | ')}`);
    }
  }
}

async function round(plan: RoundPlan): Promise<FanoutRound> {
  unexpected = [];
  const pause = () => new Promise((resolve) => setTimeout(resolve, plan.gapMs));
  const warmupUntil = performance.now() + plan.warmupMs;
  let warmupMessages = 0;
  while (performance.now() < warmupUntil) {
    await deliver(plan.trigger, plan.timeoutMs);
    warmupMessages++;
    await pause();
  }
  const deliveries: Delivery[] = [];
  for (let i = 0; i < plan.messages; i++) {
    deliveries.push(await deliver(plan.trigger, plan.timeoutMs));
    await pause();
  }
  return { deliveries, warmupMessages, unexpected };
}

if (process.argv.includes('--fanout-load')) answerRequests({ open, ready, round });
