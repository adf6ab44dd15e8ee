import type { Options, OptionSpec } from '../lib/cli';
import type { DatabaseKind } from '../lib/database';
import type { ScenarioReport } from '../lib/table';

/** What a scenario is given to run. */
export interface ScenarioContext {
  options: Options;
  db: DatabaseKind;
  /** Node options for each side's server processes (`--cpu-prof` adds a CPU profile). */
  execArgv: { project: string[]; baseline: string[] };
  /** Progress for the terminal (stderr); the table is printed at the end. */
  log(message: string): void;
}

/**
 * One benchmark: a file in bench/scenarios/, listed in the registry (index.ts). It runs the
 * project and its baseline in the same run and reports rows of the results table.
 */
export interface Scenario {
  /** The command-line name: b1, b2... */
  id: string;
  title: string;
  /** Its own options, beyond the common ones (--db, --warmup, --duration, --rounds). */
  options: readonly OptionSpec[];
  /**
   * Which of its figures a run replaces in RESULTS.md, when its options make them different
   * figures (B3 at 1,000 and at 10,000 subscribers); runs of other variants keep theirs.
   * Undefined for the scenario's own figures, where only some options make a variant (B8).
   */
  variant?(options: Options): string | undefined;
  run(context: ScenarioContext): Promise<ScenarioReport>;
}
