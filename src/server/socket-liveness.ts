import { CloseCode } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { LiveSocket } from './live-socket';

/** Marks a socket's ping answered: the pong listener of every socket, which finds the socket as `this`. */
export function pongReceived(this: WebSocket): void {
  (this as LiveSocket).awaitingPong = false;
}

/**
 * Every `keepAliveMs`, drops the sockets that did not answer the last ping and pings the
 * others: one timer for the server, not one per socket. A socket's pongs must reach
 * {@link pongReceived}.
 */
export function keepSocketsAlive(sockets: ReadonlySet<LiveSocket>, keepAliveMs: number) {
  const sweep = setInterval(() => {
    for (const socket of sockets) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.awaitingPong) {
        socket.terminate();
        continue;
      }
      socket.awaitingPong = true;
      socket.ping();
    }
  }, keepAliveMs);
  return { stop: () => clearInterval(sweep) };
}

/**
 * Closes with 4408 a socket whose connection_init has not come within `waitMs` (from
 * `waitMs` to 1.25 x `waitMs` after it opened), in place of graphql-ws's own wait: one sweep
 * serves all sockets, and a socket is known only until it inits.
 */
export class InitialisationWatch {
  /** Sockets waiting for their connection_init, in the order they opened. */
  private readonly waiting = new Map<WebSocket, number>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly waitMs: number) {
    this.sweep = setInterval(() => this.closeOverdue(), Math.max(waitMs / 4, 10));
    this.sweep.unref();
  }

  opened(socket: WebSocket): void {
    this.waiting.set(socket, performance.now());
  }

  /** The socket sent its connection_init, or closed. */
  done(socket: WebSocket): void {
    this.waiting.delete(socket);
  }

  stop(): void {
    clearInterval(this.sweep);
  }

  private closeOverdue(): void {
    const now = performance.now();
    for (const [socket, since] of this.waiting) {
      if (now - since < this.waitMs) return; // the rest opened later
      this.waiting.delete(socket);
      socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
    }
  }
}
