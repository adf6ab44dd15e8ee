import { compiledBenchModule } from './paths';
import { Child, Cores, freePort, startNode, waitForHttp } from './processes';

/** A baseline HTTP server from bench/baselines/, as its own process on the server core. */
export async function startBaselineServer(
  module: string,
  databaseEnv: Record<string, string>,
): Promise<{ url: string; child: Child; stop(): Promise<void> }> {
  const port = await freePort();
  const child = startNode(compiledBenchModule(module), { core: Cores.server, env: { PORT: String(port), ...databaseEnv } });
  await waitForHttp(child, `http://127.0.0.1:${port}/healthz`);
  return { url: `http://127.0.0.1:${port}/graphql`, child, stop: () => child.stop() };
}
