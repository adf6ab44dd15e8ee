import type { LoopResult } from './closed-loop';

/** Below this many samples a p99 is one of a handful of values, and says little. */
export const minSamplesForP99 = 1000;

export interface Summary {
  samples: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  /** Completed operations per second of measured window. */
  throughput: number;
  failures: number;
}

/** The nearest-rank percentile (0 < p <= 100) of values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p99, mean and throughput of latencies measured over `windowMs`. */
export function summarize(latenciesMs: readonly number[], windowMs: number, failures = 0): Summary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const values = Array.from(sorted);
  return {
    samples: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    mean: values.reduce((sum, v) => sum + v, 0) / (values.length || 1),
    max: values.at(-1) ?? NaN,
    throughput: windowMs > 0 ? (values.length / windowMs) * 1000 : NaN,
    failures,
  };
}

/** One summary of several rounds of the same load: samples pooled, windows added. */
export function summarizeRounds(rounds: readonly LoopResult[]): Summary {
  return summarize(
    rounds.flatMap((round) => round.latenciesMs),
    rounds.reduce((sum, round) => sum + round.windowMs, 0),
    rounds.reduce((sum, round) => sum + round.failures, 0),
  );
}

/** "12.3 ms (p50 4.5)" style helpers for the table. */
export const format = {
  ms: (value: number) => (Number.isNaN(value) ? '—' : value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`),
  rate: (value: number, unit: string) => (Number.isNaN(value) ? '—' : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`),
  ratio: (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : '—'),
};

/** 0.734 -> "73%". */
export const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
