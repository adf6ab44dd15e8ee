import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { spliceRendered } from '../live/prerendered';
import { clientAddress } from './client-address';
import type { Logger } from './logger';

/** What each graphql-ws callback gets as `ctx.extra`. */
export interface SocketExtra {
  socket: WebSocket;
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
  wss: WebSocketServer,
  limits: SendLimits,
  trustedProxies: number,
  logger: Logger,
) {
  const protocol = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  wss.on('error', (error) => logger.error({ err: error }, 'WebSocket server error'));
  const keepAlive = keepSocketsAlive(wss, limits.keepAliveMs);

  // Per socket, only what graphql-ws needs: an idle subscription's memory is mostly this (bench B4).
  wss.on('connection', (socket, request) => {
    socket.on('error', (error) => {
      logger.warn({ err: error }, 'WebSocket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    const closed = protocol.opened(
      {
        protocol: socket.protocol,
        send: (data) => send(socket, data),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (received) => socket.on('message', (message) => void receive(socket, received, String(message))),
      },
      { socket, clientAddress: clientAddress(request, trustedProxies) },
    );
    socket.on('close', (code, reason) => void closed(code, String(reason)));
  });

  /** Hands a message to graphql-ws; the text is taken first, so that no buffer waits with it. */
  const receive = async (socket: WebSocket, received: (data: string) => Promise<void>, text: string) => {
    try {
      await received(text);
    } catch (error) {
      logger.error({ err: error }, 'WebSocket message handling failed');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    }
  };

  /** graphql-ws's send: waits for the write only when the socket's unsent bytes pass the bound. */
  const send = (socket: WebSocket, data: string) =>
    new Promise<void>((resolve, reject) => {
      if (socket.readyState !== socket.OPEN) return resolve();
      const pause = socket.bufferedAmount > limits.pauseAboveBytes;
      write(socket, spliceRendered(data), (error) => (error ? reject(error) : resolve()));
      if (!pause) resolve();
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
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * Every `keepAliveMs`, drops the sockets that did not answer the last ping and pings the
 * others: one timer for the server, not one per socket.
 */
function keepSocketsAlive(wss: WebSocketServer, keepAliveMs: number) {
  const waiting = new WeakSet<WebSocket>();
  function answered(this: WebSocket) {
    waiting.delete(this);
  }
  wss.on('connection', (socket) => socket.on('pong', answered));
  const sweep = setInterval(() => {
    for (const socket of wss.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      if (waiting.has(socket)) {
        socket.terminate();
        continue;
      }
      waiting.add(socket);
      socket.ping();
    }
  }, keepAliveMs);
  return { stop: () => clearInterval(sweep) };
}
