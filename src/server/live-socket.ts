import { WebSocket } from 'ws';

/** What a socket's own events are handed to (the transport's adapter, ws-transport.ts). */
export interface SocketEvents {
  receive(text: string): void;
  closed(code: number, reason: string): void;
  failed(error: Error): void;
}

/**
 * The server's sockets (ws's `WebSocket` option): a ws socket with what the transport, the
 * logs and the keep-alive keep of it, in fields rather than in maps beside it.
 */
export class LiveSocket extends WebSocket {
  /** Where its messages, its close and its errors go. */
  events: SocketEvents | undefined;
  /** The socket's request id, set by observeLive; its operations' ids are `<connectionId>:<n>`. */
  connectionId = '';
  /** Operations started on it so far (observeLive numbers them). */
  operationCount = 0;
  /** A ping went out and its pong has not come back (keepSocketsAlive). */
  awaitingPong = false;
}
