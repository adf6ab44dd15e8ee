/** An option a scenario (or every scenario) takes on the command line. */
export interface OptionSpec {
  name: string;
  default: string | number;
  help: string;
  choices?: readonly string[];
  /** For a value that is neither a number nor one of fixed choices: whether it is valid. */
  valid?: (value: string) => boolean;
}

/** The options every scenario takes. */
export const commonOptions: readonly OptionSpec[] = [
  { name: 'db', default: 'postgres', choices: ['postgres', 'pglite'], help: 'database of the project and its baselines' },
  { name: 'warmup', default: 3, help: 'seconds of unmeasured load before each measured round' },
  { name: 'prime', default: 10, help: "more seconds of warm-up before each side's first round, for the JIT" },
  { name: 'duration', default: 8, help: 'measured seconds per round and side' },
  { name: 'rounds', default: 3, help: 'rounds, alternating project and baseline, pooled' },
];

export interface ParsedCommandLine {
  /** Scenario ids named on the command line, lower case; empty: all. */
  scenarios: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

/** `b1 b2 --concurrency 32 --db=pglite --no-write --help`: ids, `--name value` options and bare flags. */
export function parseCommandLine(argv: readonly string[], flagNames: readonly string[]): ParsedCommandLine {
  const parsed: ParsedCommandLine = { scenarios: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      parsed.scenarios.push(arg.toLowerCase());
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (flagNames.includes(name)) parsed.flags.add(name);
    else if (inline !== undefined) parsed.values.set(name, inline);
    else if (i + 1 < argv.length) parsed.values.set(name, argv[++i]);
    else throw new UsageError(`--${name} needs a value`);
  }
  return parsed;
}

export class UsageError extends Error {}

/** A scenario's options: command-line values over the defaults, checked against the specs. */
export class Options {
  constructor(
    private readonly specs: readonly OptionSpec[],
    private readonly values: ReadonlyMap<string, string>,
  ) {
    for (const spec of specs) {
      const value = values.get(spec.name);
      if (value === undefined) continue;
      if (spec.choices && !spec.choices.includes(value)) throw new UsageError(`--${spec.name} must be one of ${spec.choices.join(', ')}`);
      if (typeof spec.default === 'number' && !(Number(value) > 0)) throw new UsageError(`--${spec.name} must be a positive number`);
      if (spec.valid && !spec.valid(value)) throw new UsageError(`--${spec.name} ${value}: ${spec.help}`);
    }
  }

  number(name: string): number {
    const spec = this.spec(name);
    return Number(this.values.get(name) ?? spec.default);
  }

  string(name: string): string {
    const spec = this.spec(name);
    return this.values.get(name) ?? String(spec.default);
  }

  /** `--concurrency 32 --db postgres` for the values that differ from the defaults. */
  describe(): string {
    return this.specs
      .filter((spec) => this.values.has(spec.name))
      .map((spec) => `--${spec.name} ${this.values.get(spec.name)}`)
      .join(' ');
  }

  private spec(name: string): OptionSpec {
    const spec = this.specs.find((candidate) => candidate.name === name);
    if (!spec) throw new Error(`no option --${name} declared`);
    return spec;
  }
}
