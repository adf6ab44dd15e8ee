import { ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Where each process runs: the measured server (project or baseline) on one core and the load
 * generator on the other, so that neither steals the other's CPU. PostgreSQL itself is shared
 * by the machine and stays unpinned.
 */
export const Cores = { server: 0, load: 1 } as const;

let pinning: { works: boolean; why: string } | undefined;

/** Whether `taskset` exists and really pins a process here (containers may refuse it). */
export function pinningSupport(): { works: boolean; why: string } {
  if (pinning) return pinning;
  if (cpus().length < 2) return (pinning = { works: false, why: `only ${cpus().length} core` });
  const probe = spawnSync('taskset', ['-c', String(Cores.load), 'cat', '/proc/self/status'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return (pinning = { works: false, why: `taskset unavailable (${probe.error?.message ?? probe.stderr.trim()})` });
  }
  const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(probe.stdout)?.[1];
  pinning = allowed === String(Cores.load)
    ? { works: true, why: `server on core ${Cores.server}, load generator on core ${Cores.load} (taskset)` }
    : { works: false, why: `taskset ran but the process was allowed cores ${allowed}` };
  return pinning;
}

/**
 * Pins a running process, all its threads, to one core; true when it took. Threads it starts
 * later inherit the affinity of the thread that starts them.
 */
export function pin(pid: number, core: number): boolean {
  if (!pinningSupport().works) return false;
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) return false;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] === String(core);
}

export interface Child {
  process: ChildProcess;
  /** What the process wrote to stdout and stderr so far (the last 64 KB). */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs a Node script as a child process pinned to `core`, with an IPC channel when `ipc`. */
export function startNode(
  script: string,
  options: { args?: string[]; env?: Record<string, string | undefined>; core: number; ipc?: boolean; execArgv?: string[] },
): Child {
  const env = { ...process.env, ...options.env };
  const child = options.ipc
    ? fork(script, options.args ?? [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: options.execArgv ?? [] })
    : spawn(process.execPath, [...(options.execArgv ?? []), script, ...(options.args ?? [])], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  return watch(child, options.core);
}

function watch(child: ChildProcess, core: number): Child {
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-65_536));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid) pin(child.pid, core);
  return {
    process: child,
    output: () => output,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}


/** Resolves once `url` answers 200; rejects when the child exits first or after the timeout. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200${exited ? ' (the process exited)' : ''}:\n${child.output()}`);
}

/**
 * Runs a Node script as a child process pinned to `core`, sends it `message` over IPC and
 * resolves with its one answer; the child then exits.
 */
export async function askChild<T>(
  script: string,
  options: { args?: string[]; env?: Record<string, string | undefined>; core: number },
  message: unknown,
): Promise<T> {
  const child = startNode(script, { ...options, ipc: true });
  try {
    const answer = new Promise<T>((resolve, reject) => {
      child.process.once('message', (reply) => resolve(reply as T));
      void child.exited.then((code) => reject(new Error(`${script} exited with ${code}:\n${child.output()}`)));
    });
    child.process.send(message as object);
    return await answer;
  } finally {
    await child.stop();
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc; NaN where there is none. */
export function processCpuMs(pid: number): number {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return (ticks / clockTicksPerSecond) * 1000;
  } catch {
    return NaN;
  }
}

/** USER_HZ: 100 on every Linux that matters here. */
const clockTicksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
