import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/** The application_name each side's connections carry, which tells their backends apart. */
export const Applications = { project: 'verification-backend', baseline: 'bench-baseline' } as const;

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

/**
 * Reads the CPU time of the PostgreSQL backends that serve one application on one database,
 * from /proc/<pid>/stat of the pids pg_stat_activity lists: PostgreSQL runs on this machine,
 * and pg_stat_statements is not installed. On another host it throws.
 */
export interface BackendCpuMonitor {
  /** CPU (ms, user + system) of each live backend of `application`, by pid. */
  sample(application: string): Promise<Map<number, number>>;
  close(): Promise<void>;
}

export async function openBackendCpuMonitor(databaseUrl: string): Promise<BackendCpuMonitor> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'bench-backend-cpu' });
  await client.connect();
  return {
    async sample(application) {
      const { rows } = await client.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
        [application],
      );
      const cpu = new Map<number, number>();
      for (const { pid } of rows) {
        const ms = processTicks(pid);
        if (ms !== undefined) cpu.set(pid, ms);
      }
      return cpu;
    },
    close: () => client.end(),
  };
}

/** CPU spent between two samples: backends that started meanwhile count from zero. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

function processTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited since pg_stat_activity listed it
  }
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
