import { Agent, request } from 'node:http';
import { LoopResult, Outcome, runClosedLoop } from './closed-loop';
import { askChild, Cores } from './processes';

/** One HTTP request of a load plan: a POST of `body` with `headers`. */
export interface LoadRequest {
  body: string;
  headers?: Record<string, string>;
}

/**
 * A closed-loop HTTP load over keep-alive connections, one per worker. Worker w sends
 * `sequences[w % sequences.length]` in order, from its start again when it runs out.
 */
export interface LoadPlan {
  url: string;
  concurrency: number;
  sequences: LoadRequest[][];
  /** Sent first and not measured: JIT, connection pools and caches warm up. */
  warmupMs: number;
  durationMs: number;
  /** 'graphql': a 200 whose body has no top-level "errors"; 'http': any 2xx. */
  check: 'graphql' | 'http';
}

/**
 * Runs a plan in a load-generator process of its own, pinned to the load core where pinning
 * works, so that the client's CPU never competes with the server's.
 */
export function runLoad(plan: LoadPlan): Promise<LoopResult> {
  return askChild<LoopResult>(__filename, { core: Cores.load, args: ['--load-generator'] }, plan);
}

/** The load generator's side. */
async function generate(plan: LoadPlan): Promise<LoopResult> {
  const url = new URL(plan.url);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency, maxFreeSockets: plan.concurrency });
  const send = (item: LoadRequest) =>
    new Promise<Outcome>((resolve) => {
      const body = Buffer.from(item.body);
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': body.length, ...item.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => resolve({ ok: false, detail: String(error) }));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (plan.check === 'http') return resolve({ ok: status >= 200 && status < 300, detail: `HTTP ${status}` });
            const text = Buffer.concat(chunks).toString();
            // "errors" can appear unescaped only as a key: inside a string its quotes are escaped.
            const ok = status === 200 && !text.includes('"errors":');
            resolve({ ok, detail: ok ? undefined : `HTTP ${status} ${text.slice(0, 300)}` });
          });
        },
      );
      req.on('error', (error) => resolve({ ok: false, detail: String(error) }));
      req.end(body);
    });
  try {
    return await runClosedLoop({
      concurrency: plan.concurrency,
      warmupMs: plan.warmupMs,
      durationMs: plan.durationMs,
      operate: (worker, i) => {
        const sequence = plan.sequences[worker % plan.sequences.length];
        return send(sequence[i % sequence.length]);
      },
    });
  } finally {
    agent.destroy();
  }
}

if (process.argv.includes('--load-generator')) {
  process.once('message', (plan) => {
    generate(plan as LoadPlan).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
