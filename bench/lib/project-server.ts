import getPort from 'get-port';
import { Child, Cores, startNode, waitForHttp } from './processes';
import { serverEntry } from './paths';
import { withGc } from './server-with-gc';

export interface ProjectServer {
  /** http://127.0.0.1:port/graphql */
  url: string;
  pid: number;
  child: Child;
  stop(): Promise<void>;
}

/** A JWT key for the bench's servers; both instances of B5 will need the same one. */
export const benchJwtSecret = 'bench-secret-that-is-long-enough-for-hs256';

/**
 * The real server (`node dist/src/main.js`, built by `npm run bench`) as its own process on
 * the server core (or `core`), in production mode, as it is deployed; with `countStatements`, in
 * development mode instead, whose responses carry the x-sql-statements header that B1 and B2
 * count (counting costs every request an AsyncLocalStorage context, so nothing is timed on
 * such a server). Logs at warn, so no request is logged. Rate limits are raised far above the
 * load the scenarios generate (one IP, a few dozen reviewers).
 */
export async function startProjectServer(
  databaseEnv: Record<string, string>,
  options: { execArgv?: string[]; env?: Record<string, string>; measureGc?: boolean; countStatements?: boolean; core?: number } = {},
): Promise<ProjectServer> {
  const port = await getPort();
  // With measureGc, through the bench's wrapper (lib/server-with-gc.ts): memoryAfterGc(child) answers.
  const start = options.measureGc ? withGc(serverEntry(), options.execArgv) : { script: serverEntry(), execArgv: options.execArgv };
  const child = startNode(start.script, {
    ...start,
    core: options.core ?? Cores.server,
    env: {
      NODE_ENV: options.countStatements ? 'development' : 'production',
      JWT_SECRET: benchJwtSecret,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: undefined,
      DATA_DIR: undefined,
      // The scenarios measure throughput: closed loops far past any newsroom's pace.
      RATE_LIMIT_MUTATIONS_PER_REVIEWER: '1000000000',
      RATE_LIMIT_MUTATIONS_PER_IP: '1000000000',
      RATE_LIMIT_LOGIN_PER_EMAIL: '1000000000',
      RATE_LIMIT_LOGIN_PER_IP: '1000000000',
      ...databaseEnv,
      ...options.env,
    },
  });
  await waitForHttp(child, `http://127.0.0.1:${port}/healthz`);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid: child.process.pid!,
    child,
    stop: () => child.stop(),
  };
}
