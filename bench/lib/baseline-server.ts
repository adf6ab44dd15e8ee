import getPort from 'get-port';
import { compiledBenchModule } from './paths';
import { Child, Cores, startNode, waitForHttp } from './processes';
import { withGc } from './server-with-gc';

/** A baseline HTTP server from bench/baselines/, as its own process on the server core. */
export async function startBaselineServer(
  module: string,
  databaseEnv: Record<string, string>,
  options: { measureGc?: boolean; execArgv?: string[] } = {},
): Promise<{ url: string; child: Child; stop(): Promise<void> }> {
  const port = await getPort();
  // With measureGc, through the bench's wrapper (lib/server-with-gc.ts): memoryAfterGc(child) answers.
  const script = compiledBenchModule(module);
  const start = options.measureGc ? withGc(script, options.execArgv) : { script, execArgv: options.execArgv };
  const child = startNode(start.script, { ...start, core: Cores.server, env: { PORT: String(port), ...databaseEnv } });
  await waitForHttp(child, `http://127.0.0.1:${port}/healthz`);
  return { url: `http://127.0.0.1:${port}/graphql`, child, stop: () => child.stop() };
}
