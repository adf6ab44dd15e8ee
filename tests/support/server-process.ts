import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { until } from './until';

const root = join(__dirname, '../..');
const entry = join(root, 'dist/src/main.js');

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Emits 'change' when the process writes output or exits. */
  changes: EventEmitter;
}

/**
 * Runs the built server (`npm start` without the build) as its own process. It logs at info,
 * whatever `env` says: waitHealthy and the tests wait for its lines ("server ready", "stopped
 * accepting connections").
 */
export function spawnServer(env: Record<string, string>): ServerProcess {
  if (!existsSync(entry)) throw new Error('dist/ is missing: run npm run build (npm test does it first)');
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const changes = new EventEmitter();
  const written = (chunk: Buffer) => {
    output += chunk;
    changes.emit('change');
  };
  child.stdout!.on('data', written);
  child.stderr!.on('data', written);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
      changes.emit('change');
    }),
  );
  return { child, output: () => output, exited, changes };
}

/**
 * Resolves once the server has logged `message` (a pino line's msg); rejects, with the output so
 * far, if the process exits first or after the timeout.
 */
export async function logged(server: ServerProcess, message: string, timeoutMs = 60_000): Promise<void> {
  const line = `"msg":${JSON.stringify(message)}`;
  const exited = () => server.child.exitCode !== null || server.child.signalCode !== null;
  try {
    await until(server.changes, 'change', () => server.output().includes(line) || exited(), `"${message}"`, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}:\n${server.output()}`);
  }
  if (!server.output().includes(line)) throw new Error(`the server exited before logging "${message}":\n${server.output()}`);
}

/** Resolves once the server has logged that it is ready, and /healthz then answers 200. */
export async function waitHealthy(server: ServerProcess, port: number, timeoutMs = 60_000): Promise<void> {
  await logged(server, 'server ready', timeoutMs);
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  if (response.status !== 200) throw new Error(`server on port ${port} is ready but /healthz answers ${response.status}:\n${server.output()}`);
}

