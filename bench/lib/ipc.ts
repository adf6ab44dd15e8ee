import type { Child } from './processes';

interface Request {
  requestId: number;
  type: string;
  payload: unknown;
}

interface Reply {
  requestId: number;
  result?: unknown;
  error?: string;
}

/**
 * Requests to a long-lived child process over its IPC channel, one answer each; rejects when
 * the child answers with an error or exits first. (`askChild` is for one question and exit.)
 */
export class ChildRequests {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(private readonly child: Child) {
    child.process.on('message', (message: Reply) => {
      const waiter = this.waiting.get(message.requestId);
      if (!waiter) return;
      this.waiting.delete(message.requestId);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
    void child.exited.then((code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`the child exited with ${code}:\n${child.output()}`));
      this.waiting.clear();
    });
  }

  request<T>(type: string, payload: unknown = null): Promise<T> {
    const requestId = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(requestId, { resolve: resolve as (value: unknown) => void, reject });
      this.child.process.send({ requestId, type, payload } satisfies Request);
    });
  }
}

/** The child's side: answers each request with its handler's result, one request at a time. */
export function answerRequests(handlers: Record<string, (payload: any) => Promise<unknown>>): void {
  let queue = Promise.resolve();
  process.on('message', (message: Request) => {
    queue = queue.then(async () => {
      const handler = handlers[message.type];
      let reply: Reply;
      try {
        if (!handler) throw new Error(`no handler for ${message.type}`);
        reply = { requestId: message.requestId, result: await handler(message.payload) };
      } catch (error) {
        reply = { requestId: message.requestId, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      await new Promise<void>((resolve) => process.send!(reply, () => resolve()));
    });
  });
}
