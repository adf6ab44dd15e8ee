import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { contractDocument, type GraphQLResponse } from './client';

export interface LiveMessage<T = any> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * A real graphql-ws client on the server's /graphql, as a front end would use it; `token`
 * goes in connectionParams.authorization. Records how the socket closed.
 */
export function liveClient(httpUrl: string, token?: string, options: { retryAttempts?: number } = {}) {
  const closes: { code: number; reason: string }[] = [];
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: options.retryAttempts ?? 0,
    lazy: false,
    on: { closed: (event) => closes.push({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
  });
  return { client, closes, dispose: () => client.dispose() };
}

/** A subscription that collects its messages; `take(n)` waits for the first n, with a timeout. */
export function collect<T = any>(client: Client, operationName: string, variables: Record<string, unknown>, query = contractDocument) {
  const messages: LiveMessage<T>[] = [];
  let failure: unknown;
  let completed = false;
  let waiters: (() => void)[] = [];
  const wake = () => {
    for (const waiter of waiters) waiter();
    waiters = [];
  };
  const unsubscribe = client.subscribe<T>(
    { query, operationName, variables },
    {
      next: (message) => {
        messages.push(message as LiveMessage<T>);
        wake();
      },
      error: (error) => {
        failure = error;
        wake();
      },
      complete: () => {
        completed = true;
        wake();
      },
    },
  );
  return {
    messages,
    unsubscribe,
    get failure() {
      return failure;
    },
    get completed() {
      return completed;
    },
    /** Waits until n messages arrived (or the subscription failed), at most timeoutMs. */
    async take(n: number, timeoutMs = 15_000): Promise<LiveMessage<T>[]> {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n && failure === undefined && !completed) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out with ${messages.length} of ${n} messages`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (failure !== undefined && messages.length < n) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
      return messages.slice(0, n);
    },
  };
}

export type Answer = Pick<GraphQLResponse, 'data' | 'errors'>;

/** One operation over the socket: its first result, or the errors it was refused with. */
export function overSocket(client: Client, query: string, variables: Record<string, unknown> = {}, operationName?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const stop = client.subscribe(
      { query, variables, operationName },
      {
        next: (result) => {
          resolve(result as Answer);
          stop();
        },
        error: (errors) => resolve({ errors: Array.isArray(errors) ? errors : [{ message: String(errors) }] } as Answer),
        complete: () => resolve({}),
      },
    );
  });
}
