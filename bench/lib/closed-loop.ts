/** What one operation of a closed loop reports. */
export interface Outcome {
  ok: boolean;
  /** Why it failed, for the failure samples. */
  detail?: string;
}

export interface LoopResult {
  /** Latencies (ms) of the operations started and finished inside the measured window. */
  latenciesMs: number[];
  /** The measured window's length. */
  windowMs: number;
  /** Operations that failed, warm-up included. */
  failures: number;
  failureSamples: string[];
  /**
   * Per worker, one character per operation it started, in order, warm-up included: '1'
   * succeeded, '0' failed. Scenarios read from it which writes were acknowledged.
   */
  outcomes: string[];
  /** CPU time (user + system) of the process that ran the loop, while it ran. */
  cpuMs: number;
}

/**
 * A closed loop at fixed concurrency: `concurrency` workers, each starting its next operation
 * (`operate(worker, i)`, i counting from 0 per worker) as soon as the previous one finishes,
 * for `warmupMs` unmeasured and then `durationMs` measured. Used alike by the load generator
 * and by baselines that drive their database themselves.
 */
export async function runClosedLoop(options: {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  operate: (worker: number, i: number) => Promise<Outcome>;
}): Promise<LoopResult> {
  const cpuBefore = process.cpuUsage();
  const measureFrom = performance.now() + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  const latenciesMs: number[] = [];
  const failureSamples: string[] = [];
  let failures = 0;
  const outcomes = Array.from({ length: options.concurrency }, () => [] as string[]);
  await Promise.all(
    outcomes.map(async (outcome, worker) => {
      for (let i = 0; performance.now() < stopAt; i++) {
        const startedAt = performance.now();
        let result: Outcome;
        try {
          result = await options.operate(worker, i);
        } catch (error) {
          result = { ok: false, detail: String(error) };
        }
        const finishedAt = performance.now();
        outcome.push(result.ok ? '1' : '0');
        if (!result.ok) {
          failures++;
          if (failureSamples.length < 5) failureSamples.push(result.detail ?? 'failed');
        } else if (startedAt >= measureFrom && finishedAt <= stopAt) {
          latenciesMs.push(finishedAt - startedAt);
        }
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    latenciesMs,
    windowMs: options.durationMs,
    failures,
    failureSamples,
    outcomes: outcomes.map((o) => o.join('')),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}
