import type { Options } from './cli';
import type { Delivery, FanoutLoad, FanoutRound, RoundPlan, Spread, Trigger } from './fanout-load';
import { contractOperation, uuidOf } from './graphql';
import { processCpuMs } from './processes';
import { Account, Seeder } from './seed';
import { format, minSamplesForP99, percentile } from './stats';
import type { SubscribeRequest } from './ws-client';

/** One event, one claim and one reviewer whose every vote flips the claim's verdict. */
export interface FanoutWorld {
  eventId: string;
  /** The uuid inside the event's global ID, as the log's NOTIFY payload carries it. */
  eventUuid: string;
  claimId: string;
  voter: Account;
}

/** Quorum 1 and one organisation: a single reviewer's vote decides, so FALSE, TRUE, FALSE... each make a new verdict version. */
export async function seedFanoutWorld(seed: Seeder): Promise<FanoutWorld> {
  const eventId = await seed.openEvent(seed.admin, 'Unrest in Almaty (live)', { quorum: 1, threshold: 0.66, minOrganizations: 1 });
  const claimId = await seed.submitClaim(seed.admin, eventId, 'The airport was seized');
  const voter = await seed.reviewer('Desk');
  return { eventId, eventUuid: uuidOf(eventId), claimId, voter };
}

/** The contract's OnVerdictChanged for the whole event, as an anonymous front end subscribes. */
export function verdictSubscription(world: FanoutWorld): SubscribeRequest {
  return { query: contractOperation('OnVerdictChanged'), operationName: 'OnVerdictChanged', variables: { eventId: world.eventId } };
}

/** The project's trigger: a castVote through `graphqlUrl`, its commit heard on the log's channel when there is a DATABASE_URL. */
export function voteTrigger(graphqlUrl: string, world: FanoutWorld, databaseEnv: Record<string, string>, channel: string): Trigger {
  return {
    kind: 'vote',
    url: graphqlUrl,
    token: world.voter.token,
    claimId: world.claimId,
    listen: databaseEnv.DATABASE_URL ? { databaseUrl: databaseEnv.DATABASE_URL, channel, eventUuid: world.eventUuid } : undefined,
  };
}

/** The baseline's trigger: the project's own message, byte for byte but for its verdict version. */
export function broadcastTrigger(baselineUrl: string, projectMessage: string): Trigger {
  const at = projectMessage.lastIndexOf('"version":') + '"version":'.length;
  const end = at + /^\d+/.exec(projectMessage.slice(at))![0].length;
  return { kind: 'broadcast', url: new URL('/broadcast', baselineUrl).toString(), template: [projectMessage.slice(0, at), projectMessage.slice(end)] };
}

export const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

/** One side of a fan-out comparison: its subscribers' load, its trigger, the server whose CPU counts. */
export interface FanoutSide {
  name: string;
  load: FanoutLoad;
  trigger: Trigger;
  serverPid: number;
}

export interface SideRounds {
  deliveries: Delivery[];
  /** Server CPU (ms) over the rounds, warm-up included, per message sent. */
  cpuMsPerMessage: number;
  unexpected: string[];
}

/**
 * --messages auto. Up to 2,000 subscribers, 334 a round: over 3 rounds 1,002 per side, so the
 * p99 is the 11th slowest, not the 3rd or 4th, and one stall of the shared machine does not
 * decide it (about 4 minutes at 1,000). Above, 35, as long as a run stays near 3 minutes.
 */
const autoMessages = { few: 334, upTo: 2000, many: 35 } as const;

/** The measured messages per round and side that --messages asks for. */
export function measuredMessages(options: Options, subscribers: number): number {
  const value = options.string('messages');
  if (value === 'auto') return subscribers <= autoMessages.upTo ? autoMessages.few : autoMessages.many;
  return Number(value); // checked on the command line
}

/** The options B3 and B5 take beyond the common ones. */
export const fanoutOptions = [
  {
    name: 'messages',
    default: 'auto',
    valid: (value: string) => value === 'auto' || (Number.isInteger(Number(value)) && Number(value) > 0),
    help: `measured messages (votes) per round and side; auto: ${autoMessages.few} up to ${autoMessages.upTo.toLocaleString('en')} subscribers, ${autoMessages.many} above (about 3 minutes at 10,000); --duration does not apply`,
  },
  { name: 'gap', default: 100, help: 'ms of quiet after every subscriber has a message, before the next vote' },
] as const;

/**
 * Rounds alternating which side goes first, as the other scenarios do, each a warm-up
 * (--warmup seconds, --prime more the first time) of unmeasured messages, then --messages
 * measured ones, one at a time: the next vote only after every subscriber had the last.
 */
export async function alternateFanoutRounds(
  options: Options,
  sides: readonly FanoutSide[],
  subscribers: number,
  log: (message: string) => void,
): Promise<Map<string, SideRounds>> {
  const rounds = options.number('rounds');
  const results = new Map(sides.map((side) => [side.name, { deliveries: [] as Delivery[], cpuMs: 0, messages: 0, unexpected: [] as string[] }]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const plan: RoundPlan = {
        trigger: side.trigger,
        warmupMs: (options.number('warmup') + (round === 0 ? options.number('prime') : 0)) * 1000,
        messages: measuredMessages(options, subscribers),
        gapMs: options.number('gap'),
        timeoutMs: 10_000 + subscribers, // far beyond any delivery seen
      };
      const before = processCpuMs(side.serverPid);
      const result: FanoutRound = await side.load.round(plan);
      const cpuMs = processCpuMs(side.serverPid) - before;
      const kept = results.get(side.name)!;
      kept.deliveries.push(...result.deliveries);
      kept.cpuMs += cpuMs;
      kept.messages += result.deliveries.length + result.warmupMessages;
      kept.unexpected.push(...result.unexpected);
      const last = result.deliveries.map((d) => (d.fromCommit ?? d.fromSent)[2]).sort((a, b) => a - b);
      log(
        `  round ${round + 1}/${rounds} ${side.name}: to the last of ${subscribers} p50 ${format.ms(percentile(last, 50))}, ` +
          `max ${format.ms(last.at(-1)!)}; ${result.warmupMessages} warm-up messages; server CPU ${format.ms(cpuMs / (result.deliveries.length + result.warmupMessages))} per message`,
      );
    }
  }
  return new Map(
    [...results].map(([name, r]) => [name, { deliveries: r.deliveries, cpuMsPerMessage: r.cpuMs / r.messages, unexpected: r.unexpected }]),
  );
}

/**
 * Percentiles of one of a delivery's times: which reference (commit or sent) and which
 * subscriber; or `spread`, the first subscriber to the last, which no reference changes.
 */
export function deliveryPercentile(deliveries: readonly Delivery[], from: 'commit' | 'sent', who: 'first' | 'median' | 'last' | 'spread', p: number): number {
  const pick = (spread: Spread) => (who === 'spread' ? spread[2] - spread[0] : spread[{ first: 0, median: 1, last: 2 }[who]]);
  const values = deliveries
    .map((d) => (from === 'commit' ? d.fromCommit : d.fromSent))
    .filter((spread): spread is Spread => spread !== null)
    .map(pick)
    .sort((a, b) => a - b);
  return percentile(values, p);
}

/** Whether every delivery reached every subscriber, and whether its commit was observed. */
export function deliveryNotes(name: string, deliveries: readonly Delivery[], subscribers: number, unexpected: readonly string[]): string[] {
  const notes: string[] = [];
  const short = deliveries.filter((d) => d.received < subscribers);
  if (short.length) {
    notes.push(`${name}: ${short.length} of ${deliveries.length} messages did not reach every subscriber in time (fewest: ${Math.min(...short.map((d) => d.received))}).`);
  }
  if (deliveries.length < minSamplesForP99) {
    const rank = Math.ceil(0.99 * deliveries.length);
    const which = rank === deliveries.length ? 'the slowest' : `the ${ordinal(deliveries.length - rank + 1)} slowest`;
    notes.push(`${name}: the p99 of ${deliveries.length} messages is ${which} of them (nearest rank).`);
  }
  if (unexpected.length) notes.push(`${name}: unexpected messages, e.g. ${unexpected[0]}`);
  return notes;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
