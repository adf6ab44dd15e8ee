import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay in front of a server (the API, or a database), standing for a flaky connection:
 * cut() drops every connection through it at once, as a blackout would; down() also refuses
 * new ones (connection refused) until up().
 */
export async function flakyLink(targetUrl: string) {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => relay.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  await listen(0);
  const { port } = relay.address() as AddressInfo;
  const url = new URL(targetUrl);
  url.host = `127.0.0.1:${port}`;
  return {
    /** The target's URL with the relay's host and port (same scheme, path and credentials). */
    url: url.toString(),
    cut,
    /** Stops listening and cuts every connection: until up(), connecting is refused. */
    down: () =>
      new Promise<void>((resolve) => {
        relay.close(() => resolve());
        cut();
      }),
    /** Listens again on the same port. */
    up: () => listen(port),
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        if (relay.listening) relay.close(() => resolve());
        else resolve();
      }),
  };
}
