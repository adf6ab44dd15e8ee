import type { LoopResult } from './closed-loop';
import type { Options } from './cli';
import { cpuBetween } from './backend-cpu';
import { processCpuMs } from './processes';

/** One round of one side, with the CPU its server used while the round ran. */
export interface Round extends LoopResult {
  /** CPU time (ms) of the measured server process during the round, warm-up included. */
  serverCpuMs: number;
  /** Operations sent during the round, warm-up included. */
  operations: number;
  /** CPU time (ms) of the side's PostgreSQL backends during the round, when the side reads them. */
  databaseCpuMs?: number;
}

/**
 * One side of a comparison: how to run a round, and which process serves it: a server's pid,
 * or 'loop' when the process running the loop is itself what is measured (a baseline that
 * drives its database directly).
 */
export interface Side {
  run(round: number): Promise<LoopResult>;
  server: number | 'loop';
  /** CPU (ms) of the side's PostgreSQL backends by pid (see backend-cpu.ts), when measured. */
  backends?: () => Promise<Map<number, number>>;
}

/**
 * Measures the project and its baseline in alternating rounds, the first side swapping each
 * round, so that a slow spell of this shared machine falls on both sides alike.
 */
export async function alternateRounds(
  rounds: number,
  sides: { project: Side; baseline: Side },
  log: (message: string) => void,
): Promise<{ project: Round[]; baseline: Round[] }> {
  const results = { project: [] as Round[], baseline: [] as Round[] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['project', 'baseline'] as const) : (['baseline', 'project'] as const);
    for (const name of order) {
      const side = sides[name];
      const backendsBefore = await side.backends?.();
      const before = side.server === 'loop' ? 0 : processCpuMs(side.server);
      const result = await side.run(round);
      const serverCpuMs = side.server === 'loop' ? result.cpuMs : processCpuMs(side.server) - before;
      const databaseCpuMs = backendsBefore && cpuBetween(backendsBefore, await side.backends!());
      const operations = result.outcomes.reduce((sum, outcome) => sum + outcome.length, 0);
      results[name].push({ ...result, serverCpuMs, operations, databaseCpuMs });
      const rate = (result.latenciesMs.length / result.windowMs) * 1000;
      log(
        `  round ${round + 1}/${rounds} ${name}: ${rate.toFixed(0)}/s, ${result.failures} failures, ` +
          `server CPU ${(serverCpuMs / operations).toFixed(2)} ms per operation` +
          (databaseCpuMs === undefined ? '' : `, PostgreSQL CPU ${(databaseCpuMs / operations).toFixed(2)} ms per operation`),
      );
    }
  }
  return results;
}

/** Server CPU per operation over all rounds. */
export function cpuPerOperation(rounds: readonly Round[]): number {
  return rounds.reduce((sum, r) => sum + r.serverCpuMs, 0) / rounds.reduce((sum, r) => sum + r.operations, 0);
}

/** PostgreSQL backends' CPU per operation over all rounds; undefined when not measured. */
export function databaseCpuPerOperation(rounds: readonly Round[]): number | undefined {
  if (rounds.some((r) => r.databaseCpuMs === undefined)) return undefined;
  return rounds.reduce((sum, r) => sum + r.databaseCpuMs!, 0) / rounds.reduce((sum, r) => sum + r.operations, 0);
}

/** The busiest a load generator's core was in any round (its CPU over the round's length). */
export function loadGeneratorBusiest(rounds: readonly Round[], timing: RoundTiming): number {
  return Math.max(...rounds.map((round, i) => round.cpuMs / (timing.warmupMs(i) + timing.durationMs)));
}

/** How long a round warms up and measures: the first warms up longer, so the JIT has settled. */
export interface RoundTiming {
  warmupMs(round: number): number;
  durationMs: number;
}

/** The timing the common options --warmup, --prime and --duration ask for. */
export function roundTiming(options: Options): RoundTiming {
  const warmupMs = options.number('warmup') * 1000;
  const primeMs = options.number('prime') * 1000;
  return { warmupMs: (round) => warmupMs + (round === 0 ? primeMs : 0), durationMs: options.number('duration') * 1000 };
}

/** "3 rounds of 3 s warm-up (13 s the first) + 8 s measured per side" for the notes. */
export function describeRounds(options: Options): string {
  const timing = roundTiming(options);
  return (
    `${options.number('rounds')} rounds of ${timing.warmupMs(1) / 1000} s warm-up (${timing.warmupMs(0) / 1000} s the first) + ` +
    `${timing.durationMs / 1000} s measured per side, alternating which side goes first; samples pooled`
  );
}
