/**
 * Runs a server script (the project's dist/src/main.js, or a baseline) in this process, started
 * with --expose-gc and an IPC channel, and answers the message 'gc+heap' with the process's
 * memory after a full garbage collection: the bench can measure a server's heap without an
 * endpoint of its own in src/. Usage: node --expose-gc server-with-gc.js <script>.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compiledBenchModule } from './paths';
import type { Child } from './processes';

/** A server's memory after a full GC: bytes, from process.memoryUsage() and /proc (VmRSS). */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

function vmRssBytes(): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kb) * 1024;
}

if (require.main === module) {
  const script = process.argv[2];
  if (!script || typeof global.gc !== 'function') {
    console.error('usage: node --expose-gc server-with-gc.js <script>');
    process.exit(2);
  }
  process.on('message', (message) => {
    if (message !== 'gc+heap') return;
    // Twice: the first collection's finalisers can free more for the second.
    global.gc!();
    global.gc!();
    const usage = process.memoryUsage();
    const sample: MemorySample = {
      rss: vmRssBytes(),
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
    };
    process.send!(sample);
  });
  process.argv.splice(2, 1); // the script sees its own arguments, as if started directly
  require(resolve(script));
}

/** Asks a server started through this wrapper for its memory after a full GC. */
export function memoryAfterGc(child: Child): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error(`the server exited:\n${child.output()}`));
    child.process.once('exit', onExit);
    child.process.once('message', (sample) => {
      child.process.off('exit', onExit);
      resolve(sample as MemorySample);
    });
    child.process.send('gc+heap');
  });
}

/** How a server is started through this wrapper: its script and Node options for startNode. */
export function withGc(script: string, execArgv: readonly string[] = []): { script: string; args: string[]; execArgv: string[]; ipc: true } {
  return { script: compiledBenchModule('lib/server-with-gc.ts'), args: [script], execArgv: ['--expose-gc', ...execArgv], ipc: true };
}
