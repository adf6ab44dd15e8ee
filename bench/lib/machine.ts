import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { databaseVersion, DatabaseKind } from './database';
import { pinningSupport } from './processes';

/** What the figures were measured on; written above the table. */
export interface MachineDescription {
  cores: number;
  cpu: string;
  memory: string;
  kernel: string;
  node: string;
  database: string;
  /** psql's client version, when psql is installed. */
  psql: string | null;
  pinning: string;
}

export async function describeMachine(kind: DatabaseKind): Promise<MachineDescription> {
  const psql = spawnSync('psql', ['-V'], { encoding: 'utf8' });
  const pinning = pinningSupport();
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    kernel: `Linux ${release()}`,
    node: process.version,
    database: await databaseVersion(kind),
    psql: psql.status === 0 ? psql.stdout.trim() : null,
    pinning: pinning.works ? pinning.why : `unpinned: ${pinning.why}`,
  };
}

export function renderMachine(machine: MachineDescription): string {
  return [
    `- CPU: ${machine.cores} cores, ${machine.cpu}; ${machine.memory} memory; ${machine.kernel}`,
    `- Node ${machine.node}; database: ${machine.database}${machine.psql ? ` (client: ${machine.psql})` : ''}`,
    `- Processes: ${machine.pinning}; PostgreSQL unpinned`,
  ].join('\n');
}
