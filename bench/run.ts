import { join } from 'node:path';
import { commonOptions, Options, parseCommandLine, UsageError } from './lib/cli';
import type { DatabaseKind } from './lib/database';
import { describeMachine, renderMachine } from './lib/machine';
import { repoRoot } from './lib/paths';
import { recordResults, ScenarioRecord } from './lib/results';
import { renderTable, ResultRow } from './lib/table';
import { scenarios } from './scenarios';

/** Where --cpu-prof puts the servers' profiles, in project/ and baseline/ (ignored by git). */
const profileDir = '.bench-tmp/profiles';

const usage = () =>
  [
    'npm run bench [-- <scenario>...] [--option value]...',
    '',
    'Runs the named scenarios (all when none is named), each against its raw baseline in the',
    'same run, prints the results table and records it in bench/RESULTS.md.',
    '',
    'Scenarios:',
    ...scenarios.map((s) => `  ${s.id}  ${s.title}`),
    '',
    'Options of every scenario:',
    ...commonOptions.map((o) => `  --${o.name} (default ${o.default})  ${o.help}`),
    ...scenarios.flatMap((s) => [`Options of ${s.id}:`, ...s.options.map((o) => `  --${o.name} (default ${o.default})  ${o.help}`)]),
    '',
    '  --no-write  print the table only; leave bench/RESULTS.md as it is',
    `  --cpu-prof  write CPU profiles of the servers to ${profileDir}/project/ and baseline/`,
  ].join('\n');

async function main(): Promise<number> {
  const command = parseCommandLine(process.argv.slice(2), ['help', 'no-write', 'cpu-prof']);
  if (command.flags.has('help')) {
    console.log(usage());
    return 0;
  }
  const unknown = command.scenarios.filter((id) => !scenarios.some((s) => s.id === id));
  if (unknown.length) throw new UsageError(`no scenario ${unknown.join(', ')}; there are ${scenarios.map((s) => s.id).join(', ')}`);
  const selected = (command.scenarios.length ? scenarios.filter((s) => command.scenarios.includes(s.id)) : scenarios).map((scenario) => ({
    scenario,
    options: new Options([...commonOptions, ...scenario.options], command.values), // checks the values before anything runs
  }));
  const known = new Set([...commonOptions, ...selected.flatMap(({ scenario }) => scenario.options)].map((o) => o.name));
  const strays = [...command.values.keys()].filter((name) => !known.has(name));
  if (strays.length) throw new UsageError(`unknown option ${strays.map((n) => `--${n}`).join(', ')} (see --help)`);

  const db = (command.values.get('db') ?? 'postgres') as DatabaseKind;
  const profiled = (side: string) => (command.flags.has('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${join(repoRoot(), profileDir, side)}`] : []);
  const execArgv = { project: profiled('project'), baseline: profiled('baseline') };
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const machine = await describeMachine(db);
  log(renderMachine(machine));

  const records: ScenarioRecord[] = [];
  let crashed = false;
  for (const { scenario, options } of selected) {
    log(`\n${scenario.id.toUpperCase()}: ${scenario.title}`);
    const started = Date.now();
    const record = {
      id: scenario.id,
      variant: scenario.variant?.(options),
      title: scenario.title,
      ranAt: new Date().toISOString(),
      command: `npm run bench -- ${[scenario.id, options.describe()].filter(Boolean).join(' ')}`,
      machine,
    };
    try {
      records.push({ ...record, ...(await scenario.run({ options, db, log, execArgv })) });
    } catch (error) {
      crashed = true;
      log(`${scenario.id} failed: ${error instanceof Error ? error.stack : error}`);
      const row: ResultRow = {
        scenario: scenario.id.toUpperCase(),
        measure: 'the scenario did not finish',
        project: '—',
        baseline: '—',
        ratio: '—',
        goal: 'runs',
        pass: false,
      };
      records.push({ ...record, rows: [row], notes: [`Error: ${error instanceof Error ? error.message.split('\n')[0] : error}`] });
    }
    log(`${scenario.id} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }

  console.log(`\n${renderTable(records.flatMap((r) => r.rows))}\n`);
  for (const record of records) for (const note of record.notes) console.log(`${record.id.toUpperCase()}: ${note}`);
  if (!command.flags.has('no-write')) log(`\nwritten: ${recordResults(records, scenarios.map((s) => s.id))}`);
  return crashed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof UsageError ? `${error.message}\n\n${usage()}` : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
