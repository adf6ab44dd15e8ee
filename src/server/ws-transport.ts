import { CloseCode, handleProtocols, makeServer, type ServerOptions, type WebSocket as GraphqlWsSocket } from 'graphql-ws';
import { WebSocket, type RawData, type Server } from 'ws';
import { spliceRendered } from '../live/prerendered';
import { LiveCloseCode } from './close-codes';
import { clientAddress } from './client-address';
import type { Logger } from '../observability/logger';
import { operationTable } from './operation-table';
import { InitialisationWatch, keepSocketsAlive } from './socket-liveness';

/** graphql-ws's default: a socket has this long to send its connection_init. */

/**
 * The server's sockets (ws's `WebSocket` option). A socket's own events (messages, closing,
 * errors, pongs) are handled here as ws emits them, not by listeners: listeners cost every
 * socket an events table and, for 'close', a listener array beside the server's (bench B4).
 * Listeners added by others still run.
 */
export class LiveSocket extends WebSocket {
  adapter: SocketAdapter | undefined;
  /** The socket's request id, set by observeLive; its operations' ids are `<connectionId>:<n>`. */
  connectionId = '';
  /** Operations started on it so far (observeLive numbers them). */
  operationCount = 0;
  /** A ping went out and its pong has not come back (keepSocketsAlive). */
  awaitingPong = false;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    switch (event) {
      case 'message':
        this.adapter?.receive(String(args[0] as RawData));
        break;
      case 'close':
        this.adapter?.closed(args[0] as number, String(args[1]));
        break;
      case 'pong':
        this.awaitingPong = false;
        break;
      case 'error':
        this.adapter?.socketFailed(args[0] as Error);
        // Handled: EventEmitter would throw an 'error' that no listener takes.
        if (this.listenerCount('error') === 0) return true;
        break;
    }
    return super.emit(event, ...args);
  }
}

/** What each graphql-ws callback gets as `ctx.extra`. */
export interface SocketExtra {
  socket: LiveSocket;
  /** The client's address (or IPv6 network), as rate limits count it; see client-address.ts. */
  clientAddress: string;
}

/** Flow control of one socket's outgoing messages. */
export interface SendLimits {
  /** Unsent bytes above which a send waits until its message is written, so replays are paced by the reader. */
  pauseAboveBytes: number;
  /** Unsent bytes above which the socket is cut off (1013): its client stopped reading. */
  cutOffAboveBytes: number;
  /** Called when a socket is cut off for its unsent bytes. */
  onCutOff(socket: WebSocket): void;
  /** A ping this often; no pong within as long again drops the socket. */
  keepAliveMs: number;
  /** A socket that has not sent connection_init this long after opening is closed with 4408. */
  initWaitMs: number;
}

/**
 * graphql-ws over ws: the protocol from graphql-ws's `makeServer`, and the transport here.
 * It differs from graphql-ws's own `useServer` in how messages leave: a prerendered payload is
 * spliced in as text, a send does not wait for the write unless the socket's unsent bytes pass
 * a bound (so one slow socket does not pace the others' messages), and a socket whose unsent
 * bytes pass a higher bound is cut off instead of growing the server's memory.
 */
export function serveGraphqlWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, SocketExtra>,
  wss: Server<typeof LiveSocket>,
  limits: SendLimits,
  trustedProxies: number,
  logger: Logger,
) {
  const protocol = makeServer({
    ...options,
    // The wait for connection_init is timed here (InitialisationWatch), not by graphql-ws.
    connectionInitWaitTimeout: Infinity,
    onConnect: (ctx) => {
      const kept = ctx as { subscriptions: unknown; connectionParams?: object };
      kept.subscriptions = operationTable();
      // graphql-ws keeps the connection_init payload for the socket's life: an empty one, not at all.
      if (kept.connectionParams && Object.keys(kept.connectionParams).length === 0) kept.connectionParams = undefined;
      return options.onConnect?.(ctx);
    },
  });
  wss.options.handleProtocols = handleProtocols;
  wss.on('error', (error) => logger.error({ err: error }, 'WebSocket server error'));
  const keepAlive = keepSocketsAlive(wss, limits.keepAliveMs);
  const initialisation = new InitialisationWatch(limits.initWaitMs);

  const transport: Transport = {
    logger,
    initialisation,
    /** graphql-ws's send: waits for the write only when the socket's unsent bytes pass the bound. */
    send: (socket, data) =>
      new Promise<void>((resolve, reject) => {
        if (socket.readyState !== socket.OPEN) return resolve();
        const pause = socket.bufferedAmount > limits.pauseAboveBytes;
        write(socket, spliceRendered(data), (error) => (error ? reject(error) : resolve()));
        if (!pause) resolve();
      }),
  };

  // Per socket, only what graphql-ws needs: an idle subscription's memory is mostly this (bench B4).
  wss.on('connection', (socket: LiveSocket, request) => {
    const adapter = new SocketAdapter(socket, clientAddress(request, trustedProxies), transport);
    socket.adapter = adapter;
    initialisation.opened(socket);
    adapter.opened(protocol.opened(adapter, adapter));
  });

  /** Sends a message as is; a socket whose unsent bytes pass the bound is cut off. */
  const write = (socket: WebSocket, data: string, written?: (error?: Error) => void) => {
    if (socket.readyState !== socket.OPEN) return written?.();
    socket.send(data, written);
    if (socket.bufferedAmount > limits.cutOffAboveBytes) limits.onCutOff(socket);
  };

  return {
    /** Writes a message to a socket without waiting, as the protocol's own messages are written. */
    write: (socket: WebSocket, data: string) => write(socket, data),
    /** Closes every socket with 1001 (after what is already queued on it), then the server. */
    dispose: async () => {
      keepAlive.stop();
      initialisation.stop();
      for (const client of wss.clients) client.close(LiveCloseCode.GoingAway, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** What every socket's adapter shares. */
interface Transport {
  logger: Logger;
  initialisation: InitialisationWatch;
  send(socket: WebSocket, data: string): Promise<void>;
}

/**
 * One socket as graphql-ws sees it (its transport, and its `ctx.extra`): methods on a
 * prototype, not closures per socket (bench B4).
 */
class SocketAdapter implements GraphqlWsSocket, SocketExtra {
  private received: ((data: string) => Promise<void>) | undefined;
  private whenClosed: ((code?: number, reason?: string) => Promise<void>) | undefined;

  constructor(
    readonly socket: LiveSocket,
    readonly clientAddress: string,
    private readonly transport: Transport,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    return this.transport.send(this.socket, data);
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(received: (data: string) => Promise<void>): void {
    this.received = received;
  }

  opened(whenClosed: (code?: number, reason?: string) => Promise<void>): void {
    this.whenClosed = whenClosed;
  }

  /**
   * Hands a message to graphql-ws, parsed: its parseMessage takes text or the parsed message,
   * and it keeps what it was given while a subscription lasts, so text would be kept besides
   * the message (bench B4). Text that is no JSON goes as it is, for graphql-ws to refuse.
   */
  receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = text;
    }
    if ((message as { type?: unknown } | null)?.type === 'connection_init') this.transport.initialisation.done(this.socket);
    this.received?.(message as string).catch((error: unknown) => this.handlingFailed(error));
  }

  closed(code: number, reason: string): void {
    this.transport.initialisation.done(this.socket);
    void this.whenClosed?.(code, reason);
  }

  socketFailed(error: Error): void {
    this.transport.logger.warn({ err: error }, 'WebSocket error');
    this.socket.close(CloseCode.InternalServerError, 'Internal server error');
  }

  private handlingFailed(error: unknown): void {
    this.transport.logger.error({ err: error }, 'WebSocket message handling failed');
    this.socket.close(CloseCode.InternalServerError, 'Internal server error');
  }
}
