import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirLock {
  release(): void;
}

/** Raised when another live process holds the data directory. */
export class DataDirLockedError extends Error {}

/**
 * Takes the data directory for this process with a pid file, as PostgreSQL's postmaster.pid
 * does: the file is created exclusively; a file left by a process that no longer runs (after
 * SIGKILL, say) is taken over at once, so a crashed server restarts without waiting.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, 'server.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (isRunning(holder) && holder !== process.pid) {
        throw new DataDirLockedError(
          `Another server (pid ${holder}) is using the data directory ${dataDir}. ` +
            'Stop it, or give this one its own DATA_DIR, or use DATABASE_URL to share a PostgreSQL database.',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dataDir}`);
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
