import { CloseCode, handleProtocols, makeServer, MessageType, type ServerOptions, type SubscribePayload, type WebSocket as GraphqlWsSocket } from 'graphql-ws';
import type { RawData, Server, WebSocket } from 'ws';
import type { SocketSink } from '../live/socket-sink';
import type { Logger } from '../observability/logger';
import { clientAddress } from './client-address';
import { LiveCloseCode } from './close-codes';
import type { LiveSocket, SocketEvents } from './live-socket';
import { InitialisationWatch, keepSocketsAlive, pongReceived } from './socket-liveness';

// A socket's listeners: the same functions for every socket, each finding its socket as `this`.
function received(this: WebSocket, data: RawData): void {
  (this as LiveSocket).events?.receive(String(data));
}
function closed(this: WebSocket, code: number, reason: Buffer): void {
  (this as LiveSocket).events?.closed(code, String(reason));
}
function failed(this: WebSocket, error: Error): void {
  (this as LiveSocket).events?.failed(error);
}

/** What each graphql-ws callback gets as `ctx.extra`. */
export interface SocketExtra {
  socket: LiveSocket;
  /** The client's address (or IPv6 network), as rate limits count it; see client-address.ts. */
  clientAddress: string;
}

/**
 * What graphql-ws is handed of a subscribe message's payload, which it keeps while the
 * operation lasts: the payload itself, or a new one made of equal parts shared with others.
 */
type KeptPayload = (payload: SubscribePayload) => SubscribePayload;

/** The transport's timers. */
interface LivenessLimits {
  /** A ping this often; no pong within as long again drops the socket. */
  keepAliveMs: number;
  /** A socket that has not sent connection_init this long after opening is closed with 4408. */
  initWaitMs: number;
}

/**
 * graphql-ws over ws: the protocol from graphql-ws's `makeServer`, fed each socket through the
 * transport interface it publishes (`opened(socket, extra)`). It differs from graphql-ws's own
 * `useServer` in that every message leaves through the sink (live/socket-sink.ts), as the
 * subscriptions' `next` messages do, and in its timers: one sweep for the keep-alive and one
 * for connection_init, not timers per socket.
 */
export function serveGraphqlWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, SocketExtra>,
  wss: Server<typeof LiveSocket>,
  sink: SocketSink,
  limits: LivenessLimits,
  trustedProxies: number,
  logger: Logger,
  keptPayload: KeptPayload,
) {
  // The wait for connection_init is timed here (InitialisationWatch), not by graphql-ws.
  const protocol = makeServer({ ...options, connectionInitWaitTimeout: Infinity });
  wss.options.handleProtocols = handleProtocols;
  wss.on('error', (error) => logger.error({ err: error }, 'WebSocket server error'));
  // The open sockets are kept here, for the keep-alive and the shutdown, and ws's own tracking
  // (clientTracking) is off: one set, and no listener of its own per socket.
  const open = new Set<LiveSocket>();
  const keepAlive = keepSocketsAlive(open, limits.keepAliveMs);
  const initialisation = new InitialisationWatch(limits.initWaitMs);
  const transport: Transport = { logger, initialisation, sink, keptPayload, open, emptied: undefined };

  wss.on('connection', (socket: LiveSocket, request) => {
    const adapter = new SocketAdapter(socket, clientAddress(request, trustedProxies), transport);
    socket.events = adapter;
    socket.on('message', received).on('close', closed).on('error', failed).on('pong', pongReceived);
    open.add(socket);
    initialisation.opened(socket);
    adapter.opened(protocol.opened(adapter, adapter));
  });

  return {
    /** The sockets now open. */
    open: open as ReadonlySet<LiveSocket>,
    /** Closes every socket with 1001 (after what is already queued on it), waits until they are closed, then closes the server. */
    dispose: async () => {
      keepAlive.stop();
      initialisation.stop();
      const allClosed = new Promise<void>((resolve) => (transport.emptied = resolve));
      for (const socket of open) socket.close(LiveCloseCode.GoingAway, 'Going away');
      if (open.size === 0) transport.emptied?.();
      await allClosed;
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** What every socket's adapter shares. */
interface Transport {
  logger: Logger;
  initialisation: InitialisationWatch;
  sink: SocketSink;
  keptPayload: KeptPayload;
  open: Set<LiveSocket>;
  /** Called when the last open socket closed, while the server stops. */
  emptied: (() => void) | undefined;
}

/** One socket as graphql-ws sees it: its transport, and its `ctx.extra`. */
class SocketAdapter implements GraphqlWsSocket, SocketExtra, SocketEvents {
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

  /** graphql-ws's send: through the sink, waiting for the write only when the socket holds too much. */
  async send(data: string): Promise<void> {
    await this.transport.sink.send(this.socket, data);
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
   * the message; a subscribe message goes with the payload that
   * `keptPayload` makes of it. Text that is no JSON goes as it is, for graphql-ws to refuse.
   */
  receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = text;
    }
    const parsed = message as { id?: unknown; type?: unknown; payload?: unknown } | null;
    if (parsed?.type === MessageType.ConnectionInit) this.transport.initialisation.done(this.socket);
    if (parsed?.type === MessageType.Subscribe && typeof parsed.payload === 'object' && parsed.payload !== null) {
      message = { id: parsed.id, type: parsed.type, payload: this.transport.keptPayload(parsed.payload as SubscribePayload) };
    }
    this.received?.(message as string).catch((error: unknown) => this.handlingFailed(error));
  }

  closed(code: number, reason: string): void {
    const { open, initialisation, emptied } = this.transport;
    open.delete(this.socket);
    if (open.size === 0) emptied?.();
    initialisation.done(this.socket);
    void this.whenClosed?.(code, reason);
  }

  failed(error: Error): void {
    this.transport.logger.warn({ err: error }, 'WebSocket error');
    this.socket.close(CloseCode.InternalServerError, 'Internal server error');
  }

  private handlingFailed(error: unknown): void {
    this.transport.logger.error({ err: error }, 'WebSocket message handling failed');
    this.socket.close(CloseCode.InternalServerError, 'Internal server error');
  }
}
