import { format, minSamplesForP99, Summary } from './stats';

/** One line of the results table. `pass` null: a figure shown for context, with no goal. */
export interface ResultRow {
  scenario: string;
  measure: string;
  project: string;
  baseline: string;
  ratio: string;
  goal: string;
  pass: boolean | null;
}

/** What a scenario hands back: its rows and what a reader should know to trust them. */
export interface ScenarioReport {
  rows: ResultRow[];
  notes: string[];
}

const columns: [keyof ResultRow, string][] = [
  ['scenario', 'scenario'],
  ['measure', 'measure'],
  ['project', 'project'],
  ['baseline', 'baseline'],
  ['ratio', 'ratio'],
  ['goal', 'goal'],
  ['pass', 'result'],
];

function cell(row: ResultRow, key: keyof ResultRow): string {
  if (key !== 'pass') return String(row[key]);
  return row.pass === null ? 'info' : row.pass ? 'pass' : 'FAIL';
}

/** The rows as a Markdown table padded to line up in a terminal too. */
export function renderTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((row) => columns.map(([key]) => cell(row, key).replace(/\|/g, '\\|')));
  const widths = columns.map(([, title], i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values: string[]) => `| ${values.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(columns.map(([, title]) => title)),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

/**
 * The rows of a load compared with its baseline: throughput (the goal: at least `minRatio`
 * of the baseline's), then for context p50 and p99 latency and the server's CPU time per
 * operation (which says whether a side is bound by its own CPU or by the database).
 */
export function loadRows(
  scenario: string,
  label: string,
  project: Summary,
  baseline: Summary,
  minRatio: number,
  unit: string,
  cpuMsPerOperation: { project: number; baseline: number },
): ResultRow[] {
  const throughputRatio = project.throughput / baseline.throughput;
  const latency = (name: 'p50' | 'p99'): ResultRow => ({
    scenario,
    measure: `${label}: latency ${name}`,
    project: format.ms(project[name]),
    baseline: format.ms(baseline[name]),
    ratio: format.ratio(project[name] / baseline[name]),
    goal: '—',
    pass: null,
  });
  return [
    {
      scenario,
      measure: `${label}: throughput (${project.samples} / ${baseline.samples} samples)`,
      project: format.rate(project.throughput, unit),
      baseline: format.rate(baseline.throughput, unit),
      ratio: format.ratio(throughputRatio),
      goal: `>= ${minRatio}x`,
      pass: throughputRatio >= minRatio && project.failures === 0 && baseline.failures === 0,
    },
    latency('p50'),
    latency('p99'),
    {
      scenario,
      measure: `${label}: server CPU per ${unit.split('/')[0].replace(/s$/, '')}`,
      project: format.ms(cpuMsPerOperation.project),
      baseline: format.ms(cpuMsPerOperation.baseline),
      ratio: format.ratio(cpuMsPerOperation.project / cpuMsPerOperation.baseline),
      goal: '—',
      pass: null,
    },
  ];
}

/** Notes a load's figures need: failures, and p99s from too few samples. */
export function loadNotes(label: string, project: Summary, baseline: Summary): string[] {
  const notes: string[] = [];
  for (const [side, summary] of [['project', project], ['baseline', baseline]] as const) {
    if (summary.failures) notes.push(`${label}: ${summary.failures} ${side} requests failed (the throughput goal fails with them).`);
    if (summary.samples < minSamplesForP99) {
      notes.push(`${label}: the ${side}'s p99 comes from only ${summary.samples} samples (fewer than ${minSamplesForP99}); run longer (--duration).`);
    }
  }
  return notes;
}
