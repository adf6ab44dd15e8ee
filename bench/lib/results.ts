import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MachineDescription, renderMachine } from './machine';
import { repoRoot } from './paths';
import { renderTable, ScenarioReport } from './table';

/** One scenario's last run, as kept in bench/results.json. */
export interface ScenarioRecord extends ScenarioReport {
  id: string;
  /** Set when the scenario's options make other figures (see Scenario.variant): kept apart. */
  variant?: string;
  title: string;
  ranAt: string;
  command: string;
  machine: MachineDescription;
}

const jsonPath = () => join(repoRoot(), 'bench/results.json');
const markdownPath = () => join(repoRoot(), 'bench/RESULTS.md');

/**
 * Records the scenarios of this run and rewrites bench/RESULTS.md from every scenario's last
 * run, so that running one scenario keeps the others' figures. Returns the file's path.
 */
export function recordResults(records: readonly ScenarioRecord[], order: readonly string[]): string {
  const kept: Record<string, ScenarioRecord> = existsSync(jsonPath()) ? JSON.parse(readFileSync(jsonPath(), 'utf8')) : {};
  for (const record of records) kept[keyOf(record)] = record;
  const all = Object.values(kept).sort((a, b) => rank(a.id) - rank(b.id) || keyOf(a).localeCompare(keyOf(b), 'en', { numeric: true }));
  writeFileSync(jsonPath(), `${JSON.stringify(Object.fromEntries(all.map((r) => [keyOf(r), r])), null, 2)}\n`);
  writeFileSync(markdownPath(), renderResults(all));
  return markdownPath();

  function rank(id: string) {
    const i = order.indexOf(id);
    return i < 0 ? order.length : i;
  }
}

/** results.json's key: the scenario, and its variant when it has one (`b3 10000 subscribers`). */
const keyOf = (record: ScenarioRecord) => (record.variant ? `${record.id} ${record.variant}` : record.id);

function renderResults(records: readonly ScenarioRecord[]): string {
  const machines = [...new Set(records.map((record) => renderMachine(record.machine)))];
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (see bench/README.md); do not edit by hand. Every figure of the',
    'project was measured in the same run as its baseline, on the same database and machine;',
    'the ratios are what to compare across machines, not the absolute figures.',
    '',
    machines.length === 1 ? '## Machine\n' : '## Machines (the scenarios ran on different machines)\n',
    ...machines.flatMap((machine) => [machine, '']),
    '## Figures',
    '',
    renderTable(records.flatMap((record) => record.rows)),
    '',
  ];
  for (const record of records) {
    lines.push(`## ${record.id.toUpperCase()}${record.variant ? ` (${record.variant})` : ''}: ${record.title}`, '', `Ran ${record.ranAt} with \`${record.command}\`.`, '');
    if (machines.length > 1) lines.push(renderMachine(record.machine), '');
    lines.push(...record.notes.map((note) => `- ${note}`), '');
  }
  return lines.join('\n');
}
